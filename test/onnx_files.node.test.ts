// ONNX files in Node: model.save('onnx://…') and loadOnnx(path), and the bad files loadOnnx refuses
// (each with a message naming what is wrong, and nothing left allocated).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { Model } from '../src/model.js';
import { loadOnnx } from '../src/io/index.js';
import { registerOnnxHandler } from '../src/node/onnx.js';
import { expectClose, setup, uniform } from './helpers.js';

let root: string;

beforeAll(async () => {
  await setup();
  registerOnnxHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-onnx-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function convModel(): Model {
  const x = input({ shape: [6, 6, 2] });
  let y = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = layers.maxPooling2d({ poolSize: 2 }).apply(y);
  y = layers.flatten().apply(y);
  y = layers.dense({ units: 4, activation: 'sigmoid' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'small' });
}

async function predict(m: Model, x: Float32Array): Promise<Float32Array> {
  const y = await m.predict({ data: x, shape: [2, ...m.inputShape] });
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

describe("model.save('onnx://…') and loadOnnx(path)", () => {
  it('writes the file (directories made) and loads it back by path and by onnx:// URL', async () => {
    const m = convModel();
    const path = join(root, 'nested', 'dir', 'small.onnx');
    const result = await m.save(`onnx://${path}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('ONNX');
    const bytes = await readFile(path);
    expect(result.modelArtifactsInfo.modelTopologyBytes).toBe(bytes.length);
    const x = uniform(2 * 72, 3);
    const expected = await predict(m, x);
    for (const source of [path, `onnx://${path}`, new Uint8Array(bytes)]) {
      const back = await loadOnnx(source);
      expectClose(await predict(back, x), expected, { atol: 1e-6, rtol: 1e-5 }, `loaded from ${typeof source}`);
      back.dispose();
    }
    m.dispose();
  });

  it('names a missing file', async () => {
    await expect(loadOnnx(join(root, 'missing.onnx'))).rejects.toThrow(/cannot read ONNX file '.*missing\.onnx': ENOENT/);
  });
});
