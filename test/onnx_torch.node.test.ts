// Import of what PyTorch's exporter writes (test/fixtures/onnx, hand-written from the ONNX spec): ONNX
// Runtime runs the NCHW file, wgslnet imports it as an NHWC model, and both predict the same.
import { beforeAll, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadOnnx } from '../src/io/index.js';
import { optimizers } from '../src/optimizers.js';
import { encodeModel } from '../src/io/onnx/schema.js';
import { permute, TO_NCHW, TO_NHWC } from '../src/io/onnx/layout.js';
import { torchAutoencoder } from './fixtures/onnx/torch_autoencoder.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(setup);

const FIXTURE = join(import.meta.dirname, 'fixtures/onnx/torch_autoencoder.onnx');

it.skipIf(!process.env.REGENERATE_ONNX_FIXTURES)('regenerate torch_autoencoder.onnx', async () => {
  await writeFile(FIXTURE, encodeModel(torchAutoencoder()));
});

it('the checked-in file is what the builder writes', async () => {
  expect(Buffer.compare(await readFile(FIXTURE), encodeModel(torchAutoencoder()))).toBe(0);
});

it('imports the PyTorch-style autoencoder: wgslnet (NHWC) predicts what ONNX Runtime (NCHW) does, and it trains', async () => {
  const bytes = new Uint8Array(await readFile(FIXTURE));
  const batch = 3;
  const nhwc = uniform(batch * 8 * 8 * 3, 11, 0, 1);
  const nchw = permute(nhwc, [batch, 8, 8, 3], TO_NCHW).data;

  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ input: new ort.Tensor('float32', nchw, [batch, 3, 8, 8]) });
  await session.release();
  const expected = permute(result.output.data as Float32Array, [batch, 3, 8, 8], TO_NHWC).data;

  const m = await loadOnnx(bytes);
  expect(m.inputShape).toEqual([8, 8, 3]);
  expect(m.outputShape).toEqual([8, 8, 3]);
  expect(m.layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense', 'Reshape', 'UpSampling2D', 'Conv2DTranspose']);
  const y = await m.predict({ data: nhwc, shape: [batch, 8, 8, 3] });
  expectClose(await y.data(), expected, { atol: 1e-6, rtol: 1e-5 }, 'wgslnet vs ONNX Runtime');
  y.dispose();

  // It trains: a few steps of Adam on reconstruction lower the loss.
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
  const x = { data: nhwc, shape: [batch, 8, 8, 3] };
  const first = (await m.trainOnBatch(x, x)) as number;
  let last: number = first;
  for (let i = 0; i < 20; i++) last = (await m.trainOnBatch(x, x)) as number;
  expect(last).toBeLessThan(first * 0.9);
  m.dispose();
});
