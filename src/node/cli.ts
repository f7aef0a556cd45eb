#!/usr/bin/env node
// The wgslnet command line: train the seed's autoencoders on real data and write the pictures,
// reconstruct images with a saved model, or check the WebGPU setup.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { init, adapterName, release, tensor, sum, activationForward, sync, loadModel, setRandomSeed, type Model, type HostTensor, type Logs } from './index.js';
import { examples, getExample, type Example } from '../examples.js';
import { datasets } from './datasets.js';
import { readIdx } from '../data/idx.js';
import { take, toFloat } from '../data/transforms.js';
import { loadExampleData, type ExampleData as Data } from './example-data.js';
import { imageGrid, lossPlot } from './plot.js';
import { writePng } from './image.js';

const HELP = `wgslnet — train autoencoders on WebGPU

Usage:
  wgslnet train <example> [--epochs N] [--batch-size N] [--samples N] [--out DIR] [--seed S] [--verbose 0|1|2]
  wgslnet predict --model DIR --input PATH [--out FILE] [--count N]
  wgslnet selfcheck
  wgslnet --help

Examples:
${Object.values(examples).map((e) => `  ${e.name.padEnd(13)} ${e.description}`).join('\n')}
  ${'compare'.padEnd(13)} shallow, sparse, deep-fashion and contractive on the same data, loss curves together

train writes to DIR (default out/<example>): reconstructions.png (originals on top, reconstructions
below; for denoising: noisy / denoised / clean), loss.png, history.json and model/ (TF.js layers format).
predict reads PATH as a folder of PNG/JPEG images or a Fashion-MNIST IDX file (.gz) and writes FILE
(default reconstructions.png): the inputs on top, the model's reconstructions below.`;

/** A user-facing error: printed as one line, without a stack. */
class UsageError extends Error {}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** Writes a file whole or not at all (temp file, then rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

function asImages(x: HostTensor, count: number, imageShape: number[], scale: number): HostTensor {
  const n = Math.min(count, x.shape[0]);
  const per = imageShape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from(x.data.subarray(0, n * per), (v) => v * scale);
  return { data, shape: [n, ...imageShape] };
}

interface Trained {
  model: Model;
  history: Record<string, number[]>;
  secondsPerEpoch: number[];
  test: Logs;
}

async function trainExample(example: Example, data: Data, options: { epochs: number; batchSize: number; seed: number; verbose: 0 | 1 | 2 }): Promise<Trained> {
  // The same --seed gives the same initial weights, shuffles and noise: a run can be repeated.
  setRandomSeed(options.seed);
  const m = example.build();
  if (options.verbose) m.summary();
  const secondsPerEpoch: number[] = [];
  let t0 = 0;
  const history = await m.fit(data.xTrainIn, data.xTrain, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    shuffle: true,
    seed: options.seed,
    scale: data.scale,
    verbose: options.verbose,
    validationData: [data.xTestIn, data.xTest],
    callbacks: {
      onEpochBegin: () => void (t0 = performance.now()),
      onEpochEnd: () => void secondsPerEpoch.push((performance.now() - t0) / 1000),
    },
  });
  const test = await m.evaluate(data.xTestIn, data.xTest, { batchSize: options.batchSize, scale: data.scale });
  return { model: m, history: history.history, secondsPerEpoch, test };
}

async function reconstructionRows(m: Model, data: Data, example: Example): Promise<{ rows: HostTensor[]; labels: string[] }> {
  const count = 10;
  const inputs = { data: data.xTestIn.data.subarray(0, count * (data.xTestIn.data.length / data.xTestIn.shape[0])), shape: [Math.min(count, data.xTestIn.shape[0]), ...data.xTestIn.shape.slice(1)] } as HostTensor;
  const out = await m.predict(inputs, { scale: data.scale });
  const decoded = { data: await out.data(), shape: out.shape } as HostTensor;
  out.dispose();
  const pics = (x: HostTensor, s: number) => asImages(x, count, data.imageShape, s);
  if (example.noise) return { rows: [pics(data.xTestIn, 1), pics(decoded, 1), pics(data.xTest, 1)], labels: ['noisy', 'denoised', 'clean'] };
  return { rows: [pics(data.xTest, data.scale), pics(decoded, 1)], labels: ['original', 'reconstructed'] };
}

async function train(name: string, values: Record<string, string | boolean | undefined>): Promise<void> {
  const epochsArg = values.epochs as string | undefined;
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  const samples = values.samples === undefined ? undefined : positiveInt(values.samples as string, 'samples', 0);
  const verbose = Number(values.verbose ?? 1) as 0 | 1 | 2;
  const isCompare = name === 'compare';
  const list = isCompare ? ['shallow', 'sparse', 'deep-fashion', 'contractive'].map(getExample) : [getUsageExample(name)];
  const out = resolve((values.out as string | undefined) ?? join('out', name));
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder`);

  const ctx = await init();
  console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software)' : ''}`);
  const runs: { example: Example; trained: Trained; data: Data }[] = [];
  for (const example of list) {
    const data = await loadExampleData(example, samples, seed).catch((e: Error) => {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    });
    const epochs = positiveInt(epochsArg, 'epochs', example.epochs);
    const batchSize = positiveInt(values['batch-size'] as string | undefined, 'batch-size', example.batchSize);
    console.log(`${example.name}: ${example.description}; ${data.xTrain.shape[0]} training / ${data.xTest.shape[0]} test samples, ${epochs} epochs, batch ${batchSize}`);
    runs.push({ example, data, trained: await trainExample(example, data, { epochs, batchSize, seed, verbose }) });
  }

  // Everything is computed; only now write, each file whole or not at all.
  await mkdir(out, { recursive: true });
  for (const { example, data, trained } of runs) {
    const dir = isCompare ? join(out, example.name) : out;
    await mkdir(dir, { recursive: true });
    const { rows, labels } = await reconstructionRows(trained.model, data, example);
    const grid = imageGrid(rows, { labels });
    await writePng(join(dir, 'reconstructions.png'), grid.data, grid.width, grid.height);
    const series = Object.entries(trained.history).map(([k, v]) => ({ name: k, values: v }));
    const plot = lossPlot(series, { title: `${example.name}: ${trained.model.loss}` });
    await writePng(join(dir, 'loss.png'), plot.data, plot.width, plot.height);
    const record = {
      example: example.name, adapter: adapterName(), params: trained.model.countParams(),
      trainSamples: data.xTrain.shape[0], testSamples: data.xTest.shape[0],
      testLoss: trained.test.loss, secondsPerEpoch: trained.secondsPerEpoch, history: trained.history,
    };
    await writeAtomic(join(dir, 'history.json'), JSON.stringify(record, null, 2) + '\n');
    await trained.model.save(`file://${join(dir, 'model')}`);
    const mean = trained.secondsPerEpoch.reduce((a, b) => a + b, 0) / trained.secondsPerEpoch.length;
    console.log(`${example.name}: test loss ${trained.test.loss.toFixed(5)}, ${mean.toFixed(2)} s/epoch → ${dir}`);
  }
  if (isCompare) {
    const plot = lossPlot(runs.map((r) => ({ name: r.example.name, values: r.trained.history.val_loss ?? r.trained.history.loss })), { title: 'validation loss' });
    await writePng(join(out, 'compare.png'), plot.data, plot.width, plot.height);
    console.log(`loss curves together → ${join(out, 'compare.png')}`);
  }
}

function getUsageExample(name: string): Example {
  try {
    return getExample(name);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function predict(values: Record<string, string | boolean | undefined>): Promise<void> {
  const modelDir = values.model as string | undefined;
  const inputPath = values.input as string | undefined;
  if (!modelDir || !inputPath) throw new UsageError('predict needs --model DIR and --input PATH');
  if (!existsSync(inputPath)) throw new UsageError(`--input ${inputPath} does not exist`);
  const count = positiveInt(values.count as string | undefined, 'count', 10);
  await init();
  const m = await loadModel(`file://${resolve(modelDir)}`);
  const shape = m.inputShape;
  const [h, w, channels] = imageShapeFor(shape);
  let images: HostTensor;
  let scale = 1;
  if (statSync(inputPath).isDirectory()) {
    const folder = await datasets.imageFolder(inputPath, { size: [h, w] });
    if (folder.skipped.length) console.log(`skipped ${folder.skipped.length} file(s): ${folder.skipped.map((s) => s.file).join(', ')}`);
    images = channels === 1 ? toGrey(folder.images) : folder.images;
  } else {
    images = await readIdx(new Uint8Array(await readFile(inputPath)), inputPath);
    scale = 1 / 255;
  }
  images = take(images, Math.min(count, images.shape[0]));
  const perSample = shape.reduce((a, b) => a * b, 1);
  const imagePerSample = images.data.length / images.shape[0];
  if (imagePerSample !== perSample) throw new UsageError(`--input images have ${imagePerSample} values each but the model takes ${shape.join('×')}`);
  const x = { data: images.data, shape: [images.shape[0], ...shape] } as HostTensor;
  const out = await m.predict(x, { scale });
  const decoded = { data: await out.data(), shape: [images.shape[0], ...images.shape.slice(1)] } as HostTensor;
  const originals = scale === 1 ? images : toFloat(images, scale);
  const grid = imageGrid([originals, decoded], { labels: ['input', 'reconstructed'] });
  const file = resolve((values.out as string | undefined) ?? 'reconstructions.png');
  await writePng(file, grid.data, grid.width, grid.height);
  console.log(`${images.shape[0]} reconstructions → ${file}`);
}

/** The image a model's input holds: [h, w, c] as given, or a flat input read as a square grey or RGB image. */
function imageShapeFor(shape: readonly number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  const n = shape.reduce((a, b) => a * b, 1);
  for (const channels of [1, 3]) {
    const side = Math.round(Math.sqrt(n / channels));
    if (side * side * channels === n) return [side, side, channels];
  }
  throw new UsageError(`the model takes ${shape.join('×')} values per sample, which is not a square grey or RGB image`);
}

/** RGB images [N, h, w, 3] → grey [N, h, w] (the channel mean). */
function toGrey(x: HostTensor): HostTensor {
  const n = x.data.length / 3;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) grey[i] = (x.data[3 * i] + x.data[3 * i + 1] + x.data[3 * i + 2]) / 3;
  return { data: grey, shape: x.shape.slice(0, 3) };
}

async function selfcheck(): Promise<void> {
  const t0 = performance.now();
  const ctx = await init();
  console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software)' : ''}`);
  const n = 1_000_000;
  const total = (await sum(tensor(Float32Array.from({ length: n }, (_, i) => i + 1))).data())[0];
  const relu = await activationForward(tensor([-1, 2, -3, 4]), 'relu').data();
  await sync();
  const ok = total === Math.fround((n * (n + 1)) / 2) && relu.join(',') === '0,2,0,4';
  console.log(`sum(1..${n}) = ${total}; relu([-1,2,-3,4]) = [${relu.join(', ')}]`);
  console.log(`${ok ? 'OK' : 'FAILED'} in ${(performance.now() - t0).toFixed(0)} ms`);
  if (!ok) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, samples: { type: 'string' }, out: { type: 'string' },
      seed: { type: 'string' }, verbose: { type: 'string' }, model: { type: 'string' }, input: { type: 'string' }, count: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, name] = positionals;
  if (values.help || !command) return void console.log(HELP);
  if (command === 'train') {
    if (!name) throw new UsageError('train needs an example name; see wgslnet --help');
    return train(name, values);
  }
  if (command === 'predict') return predict(values);
  if (command === 'selfcheck') return selfcheck();
  throw new UsageError(`unknown command '${command}'; see wgslnet --help`);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  const err = e as Error;
  // Usage mistakes and data problems get one line; anything else keeps its stack for a bug report.
  console.error(`wgslnet: ${err.message}`);
  if (!(err instanceof UsageError) && process.env.WGSLNET_DEBUG) console.error(err.stack);
  process.exitCode = process.exitCode || 1;
} finally {
  release();
  // A Dawn instance keeps Node's event loop alive; the CLI is done, so leave.
  process.exit(process.exitCode ?? 0);
}
