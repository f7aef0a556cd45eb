// The CLI's ONNX commands as a user runs them (node dist/node/cli.js, built by npm test):
// export turns a saved model folder into an ONNX file ONNX Runtime agrees with, and predict takes it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireCli, runCli as run } from './cli_helper.js';
import { PNG } from 'pngjs';
import * as ort from 'onnxruntime-node';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { Model } from '../src/model.js';
import { registerFileHandler } from '../src/node/io.js';
import { expectClose, setup, uniform } from './helpers.js';

let dir: string;

beforeAll(async () => {
  requireCli();
  await setup();
  registerFileHandler();
  dir = await mkdtemp(join(tmpdir(), 'wgslnet-onnx-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('export <model dir> --onnx writes a file ONNX Runtime agrees with; predict --model x.onnx reconstructs images', async () => {
  const x = input({ shape: [8, 8, 1] });
  let y = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(y);
  const m = new Model({ inputs: x, outputs: y, name: 'tiny' });
  const modelDir = join(dir, 'model');
  await m.save(`file://${modelDir}`);

  const file = join(dir, 'tiny.onnx');
  const r = await run(['export', modelDir, '--onnx', file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/tiny → .*tiny\.onnx \(\d+ bytes, ONNX opset 18\)/);
  const xs = uniform(2 * 64, 9, 0, 1);
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(file)));
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', xs, [2, 8, 8, 1]) });
  await session.release();
  const expected = await m.predict({ data: xs, shape: [2, 8, 8, 1] });
  expectClose(out[session.outputNames[0]].data as Float32Array, await expected.data(), { atol: 1e-6, rtol: 1e-5 }, 'ONNX Runtime on the exported file');
  m.dispose();

  const images = join(dir, 'images');
  await mkdir(images);
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(120);
  await writeFile(join(images, 'a.png'), PNG.sync.write(png));
  const picture = join(dir, 'out.png');
  const p = await run(['predict', '--model', file, '--input', images, '--out', picture]);
  expect(p.stderr).toBe('');
  expect(p.stdout).toMatch(/1 reconstructions → /);
  expect(existsSync(picture)).toBe(true);
});

it('export without --onnx, or of a missing folder, is one clear line', async () => {
  const a = await run(['export', join(dir, 'model')]);
  expect(a.code).toBe(1);
  expect(a.stderr).toBe('wgslnet: export needs a model folder and --onnx FILE.onnx');
  const b = await run(['export', join(dir, 'nothing'), '--onnx', join(dir, 'x.onnx')]);
  expect(b.stderr).toMatch(/^wgslnet: --model .*nothing does not exist/);
  expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
});
