#!/usr/bin/env node
// The wgslnet command line: train the seed's autoencoders on real data and write the pictures,
// reconstruct images with a saved model, or check the WebGPU setup.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { init, adapterName, release, tensor, sum, activationForward, sync, loadModel, loadOnnx, setRandomSeed, input, layers, Model, optimizers, type HostTensor, type Logs } from './index.js';
import { examples, getExample, type Example } from '../examples.js';
import { datasets, readIdxBytes } from './datasets.js';
import { parseIdx } from '../data/idx.js';
import { take, toFloat } from '../data/transforms.js';
import { loadExampleData, type ExampleData as Data } from './example-data.js';
import { imageGrid, lossPlot } from './plot.js';
import { imageFormat, writePng } from './image.js';
import { processAlive } from './io.js';
import type { AnomalyOptions } from './anomaly.js';

const HELP = `wgslnet — train autoencoders on WebGPU

Usage:
  wgslnet train <example> [--epochs N] [--batch-size N] [--samples N] [--out DIR] [--seed S] [--verbose 0|1|2]
  wgslnet train unet|conv|denoising --batch-norm [same options]
  wgslnet predict --model MODEL --input PATH [--out FILE] [--force] [--count N]
  wgslnet export <model dir> --onnx FILE.onnx
  wgslnet selfcheck
  wgslnet --help

Examples:
${Object.values(examples).map((e) => `  ${e.name.padEnd(13)} ${e.description}`).join('\n')}
  ${'compare'.padEnd(13)} shallow, sparse, deep-fashion and contractive on the same data, loss curves together
  ${'vae'.padEnd(13)} a variational autoencoder with a 2-D latent space: reconstructions.png, latent.png (the test
  ${''.padEnd(13)} set's zMean by class), manifold.png (15×15 decodings of the latent plane), loss.png with KL
  ${'anomaly'.padEnd(13)} an autoencoder trained on some Fashion-MNIST classes scores the others by reconstruction
  ${''.padEnd(13)} error: ROC AUC, histogram.png (normal vs anomalous), top-anomalies.png, anomaly.json
  ${'sensor'.padEnd(13)} a Conv1D autoencoder learns windows of a synthetic sensor signal and flags test windows
  ${''.padEnd(13)} (spikes, level shifts, frequency changes, flatlines) whose error passes the training
  ${''.padEnd(13)} windows' 99th percentile: ROC AUC, precision, recall, sensor.png (signal, reconstruction,
  ${''.padEnd(13)} error, threshold, flagged windows), loss.png, sensor.json; --samples caps the windows

--batch-norm trains the example twice on the same data, epochs and seed: as it is (DIR/plain) and
with BatchNormalization after each hidden convolution (DIR/batch-norm; predict and evaluate use its
moving averages), prints both test losses side by side and writes compare.png (validation loss).
train writes to DIR (default out/<example>): reconstructions.png (originals on top, reconstructions
below; for denoising: noisy / denoised / clean), loss.png, history.json and model/ (TF.js layers format).
train writes all of them or, on failure, none (files already there stay as they were).
predict loads MODEL (a model folder, its model.json, or the demo's download name.json beside
name.weights.bin, or an ONNX file), reads PATH as a folder of PNG/JPEG images or a Fashion-MNIST IDX file (.gz),
and writes FILE (default reconstructions.png; --force replaces an existing one): the first N
(--count, default 10) inputs on top, the model's reconstructions below.
export writes a saved model (folder or model.json) as ONNX (opset 18, NHWC in and out, as predict).
selfcheck tells whether WebGPU works here: the adapter, GPU arithmetic, and a small model training.`;

/** Options each command takes ('help' works everywhere); every option takes a value except the booleans. */
const OPTIONS = {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, samples: { type: 'string' }, out: { type: 'string' },
  seed: { type: 'string' }, verbose: { type: 'string' }, model: { type: 'string' }, input: { type: 'string' }, count: { type: 'string' },
  onnx: { type: 'string' }, force: { type: 'boolean' }, 'batch-norm': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;
const COMMANDS = new Map<string, { options: OptionName[]; positionals: number }>([
  ['train', { options: ['epochs', 'batch-size', 'samples', 'out', 'seed', 'verbose', 'batch-norm'], positionals: 1 }],
  ['predict', { options: ['model', 'input', 'out', 'force', 'count'], positionals: 0 }],
  ['export', { options: ['onnx'], positionals: 1 }],
  ['selfcheck', { options: [], positionals: 0 }],
]);

/** A user-facing error: printed as one line, without a stack. */
class UsageError extends Error {}

function positiveInt(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined || typeof value === 'boolean') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

type Values = Partial<Record<OptionName, string | boolean>>;

/**
 * The command line, checked whole before anything runs: a negative number after an option is its
 * value ('--epochs -3' then fails as "must be a positive integer"), unknown options, empty values,
 * options of another command and extra arguments are refused in one line each.
 */
function parseCommandLine(argv: string[]): { command: string | undefined; name: string | undefined; values: Values } {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const option = /^--([\w-]+)$/.exec(argv[i])?.[1] as OptionName | undefined;
    if (option && OPTIONS[option]?.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS }) as typeof parsed;
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option '${option}'; see wgslnet --help`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const takesValue = option !== undefined && OPTIONS[option.replace(/^-+/, '').split(' ')[0] as OptionName]?.type === 'string';
      throw new UsageError(takesValue ? `${option!.split(' ')[0]} needs a value` : `${option?.split(' ')[0] ?? 'an option'} takes no value`);
    }
    throw new UsageError(message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  for (const [k, v] of Object.entries(values)) if (v === '') throw new UsageError(`--${k} needs a value`);
  if (values.help || command === undefined) return { command: undefined, name: undefined, values };
  const spec = COMMANDS.get(command);
  if (!spec) throw new UsageError(`unknown command '${command}'; see wgslnet --help`);
  for (const k of Object.keys(values) as OptionName[]) if (!spec.options.includes(k)) throw new UsageError(`--${k} is not an option of ${command}; see wgslnet --help`);
  if (rest.length > spec.positionals) throw new UsageError(`unexpected argument '${rest[spec.positionals]}' after ${command}${spec.positionals ? ` ${rest[0]}` : ''}; see wgslnet --help`);
  return { command, name: rest[0], values };
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

/** Examples with a training run and pictures of their own (loaded on use), their default epochs and batch size (else 128). */
// Both take the command line's options (anomaly.ts's AnomalyOptions).
const STANDALONE = {
  anomaly: { epochs: 20, run: async (o: AnomalyOptions) => (await import('./anomaly.js')).trainAnomaly(o) },
  vae: { epochs: 30, run: async (o: AnomalyOptions) => (await import('./vae.js')).trainVae(o) },
  sensor: { epochs: 20, batchSize: 64, run: async (o: AnomalyOptions) => (await import('./sensor.js')).trainSensor(o) },
};


async function train(name: string, values: Values): Promise<void> {
  const epochsArg = values.epochs as string | undefined;
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got '${values.seed}'`);
  const samples = values.samples === undefined ? undefined : positiveInt(values.samples as string, 'samples', 0);
  const verbose = Number(values.verbose ?? 1) as 0 | 1 | 2;
  if (![0, 1, 2].includes(verbose)) throw new UsageError(`--verbose must be 0, 1 or 2, got '${values.verbose}'`);
  const batchNorm = values['batch-norm'] === true;
  // (An unknown name is reported as such further on.)
  const known = name in examples || name in STANDALONE || name === 'compare';
  if (batchNorm && known && !examples[name as keyof typeof examples]?.buildBatchNorm) {
    const withBn = Object.values(examples).filter((e) => e.buildBatchNorm).map((e) => e.name);
    throw new UsageError(`--batch-norm applies to ${withBn.join(', ')}, not ${name}`);
  }
  const standalone = STANDALONE[name as keyof typeof STANDALONE];
  if (standalone) {
    const out = resolve((values.out as string | undefined) ?? join('out', name));
    const batchSize = positiveInt(values['batch-size'] as string | undefined, 'batch-size', 'batchSize' in standalone ? standalone.batchSize : 128);
    const options = { epochs: positiveInt(epochsArg, 'epochs', standalone.epochs), batchSize, samples, out, seed, verbose };
    const ctx = await init();
    console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software)' : ''}`);
    return void (await standalone.run(options).catch((e: Error) => {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    }));
  }
  const isCompare = name === 'compare';
  // Each run: its subfolder label (several runs) and the example, whose build() makes its model.
  let list: { label: string; example: Example }[];
  if (isCompare) list = ['shallow', 'sparse', 'deep-fashion', 'contractive'].map((n) => ({ label: n, example: getExample(n) }));
  else list = [{ label: name, example: getUsageExample(name) }];
  if (batchNorm) {
    const { example } = list[0];
    list = [{ label: 'plain', example }, { label: 'batch-norm', example: { ...example, build: example.buildBatchNorm! } }];
  }
  const several = list.length > 1;
  const out = resolve((values.out as string | undefined) ?? join('out', name));
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder`);
  for (const { example } of list) {
    positiveInt(epochsArg, 'epochs', example.epochs);
    positiveInt(values['batch-size'] as string | undefined, 'batch-size', example.batchSize);
  }

  const ctx = await init();
  console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software)' : ''}`);
  const runs: { label: string; example: Example; trained: Trained; data: Data }[] = [];
  const loaded = new Map<string, Data>();
  for (const { label, example } of list) {
    // The plain and batch-norm runs share one load: the same images and the same noise.
    const data = loaded.get(example.name) ?? await loadExampleData(example, samples, seed).catch((e: Error) => {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    });
    loaded.set(example.name, data);
    const epochs = positiveInt(epochsArg, 'epochs', example.epochs);
    const batchSize = positiveInt(values['batch-size'] as string | undefined, 'batch-size', example.batchSize);
    const what = batchNorm ? `${example.name} (${label})` : example.name;
    console.log(`${what}: ${example.description}${label === 'batch-norm' ? ', BatchNormalization after each hidden conv' : ''}; ${data.xTrain.shape[0]} training / ${data.xTest.shape[0]} test samples, ${epochs} epochs, batch ${batchSize}`);
    runs.push({ label, example, data, trained: await trainExample(example, data, { epochs, batchSize, seed, verbose }) });
  }

  // Everything is computed; the pictures and histories are written into a hidden folder beside
  // --out and moved into place only once all of them exist, so a failure leaves the old ones.
  const dirOf = (root: string, label: string) => (several ? join(root, label) : root);
  await writeOutputs(out, async (stage) => {
    for (const { label, example, data, trained } of runs) {
      const dir = dirOf(stage, label);
      await mkdir(dir, { recursive: true });
      const { rows, labels } = await reconstructionRows(trained.model, data, example);
      const grid = imageGrid(rows, { labels });
      await writePng(join(dir, 'reconstructions.png'), grid.data, grid.width, grid.height);
      const series = Object.entries(trained.history).map(([k, v]) => ({ name: k, values: v }));
      const plot = lossPlot(series, { title: `${trained.model.name}: ${trained.model.loss}` });
      await writePng(join(dir, 'loss.png'), plot.data, plot.width, plot.height);
      const record = {
        example: example.name, ...(batchNorm ? { batchNorm: label === 'batch-norm' } : {}), adapter: adapterName(), params: trained.model.countParams(),
        trainSamples: data.xTrain.shape[0], testSamples: data.xTest.shape[0],
        testLoss: trained.test.loss, secondsPerEpoch: trained.secondsPerEpoch, history: trained.history,
      };
      await writeFile(join(dir, 'history.json'), JSON.stringify(record, null, 2) + '\n');
    }
    if (several) {
      const plot = lossPlot(runs.map((r) => ({ name: r.label, values: r.trained.history.val_loss ?? r.trained.history.loss })), { title: batchNorm ? `${name}: validation loss, plain vs BatchNormalization` : 'validation loss' });
      await writePng(join(stage, 'compare.png'), plot.data, plot.width, plot.height);
    }
  }, async () => {
    // Each model save is atomic on its own (the old model or the new one, whole).
    for (const { label, trained } of runs) await trained.model.save(`file://${join(dirOf(out, label), 'model')}`);
  });
  const width = Math.max(...runs.map((r) => (batchNorm ? `${name} (${r.label})` : r.example.name).length)) + 1;
  for (const { label, example, trained } of runs) {
    const mean = trained.secondsPerEpoch.reduce((a, b) => a + b, 0) / trained.secondsPerEpoch.length;
    const what = `${batchNorm ? `${name} (${label})` : example.name}:`.padEnd(width);
    console.log(`${what} test loss ${trained.test.loss.toFixed(5)}, ${trained.model.countParams().toLocaleString('en-US')} params, ${mean.toFixed(2)} s/epoch → ${dirOf(out, label)}`);
  }
  if (batchNorm) {
    const [plain, bn] = runs.map((r) => r.trained.test.loss);
    const change = ((bn - plain) / plain) * 100;
    console.log(`BatchNormalization changes the test loss by ${change > 0 ? '+' : ''}${change.toFixed(1)} % (same data, epochs and seed)`);
  }
  if (several) console.log(`loss curves together → ${join(out, 'compare.png')}`);
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Writes a run's outputs all or none: `stageFiles(stage)` writes them into a hidden folder beside
 * `out` (stages of killed runs are removed first); only if that succeeds is `out` made, `commit()`
 * run (the models), and each staged file renamed into place. The stage is removed either way.
 */
async function writeOutputs(out: string, stageFiles: (stage: string) => Promise<void>, commit: () => Promise<void>): Promise<void> {
  const parent = dirname(out);
  const prefix = `.${basename(out)}.wgslnet-output-`;
  await mkdir(parent, { recursive: true });
  for (const f of await readdir(parent)) {
    const pid = Number(f.slice(prefix.length));
    if (f.startsWith(prefix) && !processAlive(pid)) await rm(join(parent, f), { recursive: true, force: true });
  }
  const stage = join(parent, `${prefix}${process.pid}`);
  await rm(stage, { recursive: true, force: true });
  try {
    await mkdir(stage);
    await stageFiles(stage);
    const files = await filesUnder(stage);
    // What could stop a rename is checked before anything in `out` changes.
    for (const f of files) {
      if (statSync(join(out, f), { throwIfNoEntry: false })?.isDirectory()) throw new Error(`cannot write ${join(out, f)}: a folder of that name is in the way`);
    }
    await mkdir(out, { recursive: true });
    await commit();
    for (const f of files) {
      await mkdir(dirname(join(out, f)), { recursive: true });
      await rename(join(stage, f), join(out, f));
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

function getUsageExample(name: string): Example {
  try {
    return getExample(name);
  } catch {
    throw new UsageError(`unknown example '${name}'; choose one of: ${[...Object.keys(examples), 'compare', ...Object.keys(STANDALONE)].join(', ')}`);
  }
}

/**
 * The model.json a --model argument names: a model folder, a model.json, or the demo's download
 * pair (name.json beside name.weights.bin, given as either file or as the bare name).
 */
function modelJsonPath(arg: string): string {
  const path = resolve(arg);
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'model.json'))) throw new UsageError(`--model ${arg} holds no model.json; give a model folder, a model.json or the demo's name.json`);
    return join(path, 'model.json');
  }
  const candidates = [path.endsWith('.weights.bin') ? path.slice(0, -'.weights.bin'.length) + '.json' : path, `${path}.json`];
  const found = candidates.find((c) => c.endsWith('.json') && existsSync(c));
  if (!found) throw new UsageError(`--model ${arg} does not exist; give a model folder, a model.json or the demo's name.json (beside name.weights.bin)`);
  return found;
}

/** An IDX file (gzipped or not) as a tensor; other files are reported as what they are. */
async function readIdxFile(path: string): Promise<HostTensor> {
  if (!statSync(path).isFile()) throw new UsageError(`--input ${path} is not a regular file or a folder`);
  const name = `--input ${path}`;
  try {
    const bytes = await readIdxBytes(path, name);
    const kind = imageFormat(bytes);
    if (kind) throw new Error(`${name} is a ${kind} image; predict reads a folder of images (put it in one) or an IDX file`);
    return parseIdx(bytes, name);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function predict(values: Values): Promise<void> {
  const modelArg = values.model as string | undefined;
  const inputPath = values.input as string | undefined;
  if (!modelArg || !inputPath) throw new UsageError('predict needs --model DIR and --input PATH');
  if (!existsSync(inputPath)) throw new UsageError(`--input ${inputPath} does not exist`);
  const count = positiveInt(values.count as string | undefined, 'count', 10);
  const file = resolve((values.out as string | undefined) ?? 'reconstructions.png');
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new UsageError(`--out ${file} is a folder; give a file name`);
    if (!values.force) throw new UsageError(`--out ${file} exists; add --force to replace it`);
  }
  const onnx = /\.onnx$/i.test(modelArg);
  if (onnx && !existsSync(modelArg)) throw new UsageError(`--model ${modelArg} does not exist`);
  const jsonPath = onnx ? '' : modelJsonPath(modelArg);
  await init();
  const m = onnx ? await loadOnnx(resolve(modelArg)) : await loadModel(`file://${jsonPath}`);
  const shape = m.inputShape;
  const [h, w, channels] = imageShapeFor(shape);
  let images: HostTensor;
  let scale = 1;
  if (statSync(inputPath).isDirectory()) {
    const folder = await datasets.imageFolder(inputPath, { size: [h, w], limit: count });
    if (folder.skipped.length) console.log(`skipped ${folder.skipped.length} file(s): ${folder.skipped.map((s) => `${s.file} (${s.reason})`).join(', ')}`);
    images = channels === 1 ? toGrey(folder.images) : folder.images;
  } else {
    images = await readIdxFile(inputPath);
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
  // Written whole or not at all (a temp file renamed over, removed on failure).
  await writePng(file, grid.data, grid.width, grid.height);
  console.log(`${images.shape[0]} reconstructions → ${file}`);
}

async function exportOnnx(modelArg: string | undefined, values: Values): Promise<void> {
  const target = values.onnx as string | undefined;
  if (!modelArg || !target) throw new UsageError('export needs a model folder and --onnx FILE.onnx');
  const jsonPath = modelJsonPath(modelArg);
  await init();
  const m = await loadModel(`file://${jsonPath}`);
  const result = await m.save(`onnx://${resolve(target)}`);
  console.log(`${m.name} → ${resolve(target)} (${result.modelArtifactsInfo.modelTopologyBytes} bytes, ONNX opset 18)`);
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

/** A check selfcheck runs: what it shows a user, and whether it passed. */
interface Check {
  what: string;
  ok: boolean;
}

async function selfcheck(): Promise<void> {
  const t0 = performance.now();
  const ctx = await init();
  console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software: WebGPU emulated on the CPU, slower than a GPU)' : ''}`);
  const checks: Check[] = [];
  // Sums of whole numbers below 2^24 are exact in float32 in any order: the GPU must get it exactly.
  const n = 1_000_000;
  const ones = tensor(new Float32Array(n).fill(1));
  const total = (await sum(ones).data())[0];
  checks.push({ what: `GPU arithmetic: adding up ${n.toLocaleString('en-US')} ones gives ${total.toLocaleString('en-US')}`, ok: total === n });
  const relu = Array.from(await activationForward(tensor([-1, 2, -3, 4]), 'relu').data());
  checks.push({ what: `GPU kernels: relu turns [-1, 2, -3, 4] into [${relu.join(', ')}]`, ok: relu.join(',') === '0,2,0,4' });
  // A line y = 2x - 1 learnt by a one-weight model: the loss must fall close to zero.
  setRandomSeed(1);
  const x = input({ shape: [1] });
  const line = new Model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(x) });
  line.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  const xs = Float32Array.from({ length: 32 }, (_, i) => i / 16 - 1);
  const history = await line.fit({ data: xs, shape: [32, 1] }, { data: xs.map((v) => 2 * v - 1), shape: [32, 1] }, { epochs: 60, batchSize: 32, shuffle: false, verbose: 0 });
  const losses = history.history.loss;
  const [first, last] = [losses[0], losses.at(-1)!];
  checks.push({ what: `training: a small model learning a straight line, loss ${first.toFixed(3)} → ${last.toFixed(4)}`, ok: last < 0.01 && last < first });
  await sync();
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}`);
  const ok = checks.every((c) => c.ok);
  console.log(ok ? `OK: WebGPU works for wgslnet here (${(performance.now() - t0).toFixed(0)} ms)` : 'FAILED: results above marked FAIL are wrong on this adapter');
  if (!ok) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { command, name, values } = parseCommandLine(argv);
  if (command === undefined) return void console.log(HELP);
  if (command === 'train') {
    if (!name) throw new UsageError('train needs an example name; see wgslnet --help');
    return train(name, values);
  }
  if (command === 'predict') return predict(values);
  if (command === 'export') return exportOnnx(name, values);
  return selfcheck();
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
