// The browser side of bench/onnx_web.mjs (loaded on demand by bench/browser/main.js): each seed model
// exported with toOnnx and run by ONNX Runtime Web's WebGPU execution provider on the same adapter
// as wgslnet; see bench/onnx_shared.mjs.
import * as wg from '../../src/index.ts';
import * as ort from 'onnxruntime-web/webgpu';
import { inferencePair, timePair } from '../onnx_shared.mjs';

export async function onnxBenchmark({ name, batchSize, batches, turns }) {
  await wg.init();
  const pair = await inferencePair({
    wg, name, batchSize, batches, Tensor: ort.Tensor,
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] }),
    read: (t) => t.getData(),
  });
  const device = await ort.env.webgpu.device;
  const { error, best } = await timePair(pair.run, turns, (t) => console.log(`${name}: turn ${t + 1}/${turns}`));
  await pair.session.release();
  pair.m.dispose();
  const chrome = navigator.userAgent.match(/Chrom(?:e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent;
  const info = device.adapterInfo;
  return {
    environment: { runtime: `${chrome.replace('/', ' ')} (headless)`, adapter: wg.adapterName(), ortAdapter: info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') : 'unknown' },
    row: {
      model: name, batchSize, samples: pair.n,
      wgslnetSamplesPerSec: +(pair.n / best.wgslnet).toPrecision(3), ortWebGpuSamplesPerSec: +(pair.n / best.onnx).toPrecision(3),
      ratio: +(best.onnx / best.wgslnet).toFixed(3), worstRelativeError: +error.toExponential(2),
    },
  };
}
