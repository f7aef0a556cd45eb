// In Chromium: ONNX Runtime Web's WebGPU execution provider runs wgslnet's exported seed-style
// models on the same adapter and agrees with wgslnet's predict; toOnnx and loadOnnx work in the
// browser (no Node built-ins). In Node the ONNX Runtime part is covered by onnx.node.test.ts.
import { beforeAll, expect, it, vi } from 'vitest';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { Model } from '../src/model.js';
import { loadOnnx, toOnnx } from '../src/io/index.js';
import { expectClose, setup, uniform } from './helpers.js';

beforeAll(setup);

function convAE(): Model {
  const x = input({ shape: [16, 16, 3] });
  let y = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = layers.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(y);
  y = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(y);
  y = layers.upSampling2d({ size: 2 }).apply(y);
  y = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'conv_ae' });
}

function denseAE(): Model {
  const x = input({ shape: [64] });
  const h = layers.dense({ units: 16, activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  return new Model({ inputs: x, outputs: layers.dense({ units: 64, activation: 'sigmoid' }).apply(h), name: 'dense_ae' });
}

async function predict(m: Model, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const y = await m.predict({ data: x, shape });
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

it.each([['dense', denseAE], ['conv', convAE]] as const)('%s: export and import round trip in this runtime', async (_name, build) => {
  const m = build();
  const shape = [3, ...m.inputShape];
  const x = uniform(shape.reduce((a, b) => a * b), 4, 0, 1);
  const back = await loadOnnx(await toOnnx(m));
  expectClose(await predict(back, x, shape), await predict(m, x, shape), { atol: 1e-6, rtol: 1e-5 }, 'imported vs original');
  back.dispose();
  m.dispose();
});

it.skipIf(typeof document === 'undefined').each([['dense', denseAE], ['conv', convAE]] as const)('%s: ONNX Runtime Web (WebGPU) agrees with wgslnet', async (_name, build) => {
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.numThreads = 1;
  const m = build();
  const shape = [3, ...m.inputShape];
  const x = uniform(shape.reduce((a, b) => a * b), 5, 0, 1);
  const session = await ort.InferenceSession.create(await toOnnx(m), { executionProviders: ['webgpu'] });
  // The WebGPU backend did start (listing only 'webgpu' means no silent fall-back to wasm).
  expect(await ort.env.webgpu.device).toBeTruthy();
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
  const actual = (await result[session.outputNames[0]].getData()) as Float32Array;
  await session.release();
  expect(actual.length).toBe(shape[0] * m.outputShape.reduce((a, b) => a * b));
  // ORT Web's WebGPU kernels sum in their own order (and may use fused multiply-adds): float32 rounding.
  expectClose(actual, await predict(m, x, shape), { atol: 1e-6, rtol: 1e-5 }, 'ONNX Runtime Web vs wgslnet');
  m.dispose();
});

it.skipIf(typeof document === 'undefined')("model.save('downloads://name.onnx') downloads one ONNX file that loads back", async () => {
  const clicks: { href: string; download: string }[] = [];
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicks.push({ href: this.href, download: this.download });
  });
  try {
    const m = denseAE();
    const result = await m.save('downloads://dense_ae.onnx');
    expect(clicks.map((c) => c.download)).toEqual(['dense_ae.onnx']);
    const bytes = new Uint8Array(await (await fetch(clicks[0].href)).arrayBuffer());
    expect(result.modelArtifactsInfo).toMatchObject({ modelTopologyType: 'ONNX', modelTopologyBytes: bytes.length });
    expect(bytes).toEqual(await toOnnx(m));
    const shape = [2, 64];
    const x = uniform(128, 6, 0, 1);
    const back = await loadOnnx(bytes);
    expectClose(await predict(back, x, shape), await predict(m, x, shape), { atol: 1e-6, rtol: 1e-5 }, 'downloaded file loaded back');
    back.dispose();
    m.dispose();
  } finally {
    click.mockRestore();
  }
});
