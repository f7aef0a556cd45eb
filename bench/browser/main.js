// The browser side of the model benchmark: the same bench/models.mjs as in Node, with wgslnet
// bundled from src/ and TF.js's webgpu backend, both taking navigator.gpu's adapter. The runner
// (bench/browser/run.mjs) calls window.benchmark(name, overrides) once per fresh page.
import * as wg from '../../src/index.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-webgpu';
import { benchModel, makeBatches, MODELS, NUM_BATCHES } from '../models.mjs';

const logElement = document.getElementById('log');
function log(line) {
  logElement.textContent += `${line}\n`;
  console.log(line);
}

window.benchmark = async (name, overrides) => {
  await wg.init();
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not initialise');
  await tf.ready();
  const spec = MODELS[name];
  // Fashion-MNIST comes from the runner's server (the same files the Node run reads).
  const fashion = spec.data === 'fashion-mnist' ? (await wg.loadFashionMnist('/data/fashion-mnist/')).xTrain : null;
  const batches = makeBatches(wg, spec, NUM_BATCHES, fashion);
  const result = await benchModel({ wg, tf, tfl, name, batches, log, ...spec.browser, ...overrides });
  result.data = spec.data === 'fashion-mnist' ? 'Fashion-MNIST' : spec.data;
  const info = tf.backend().adapterInfo;
  const chrome = navigator.userAgent.match(/Chrom(?:e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent;
  return {
    environment: { runtime: `${chrome.replace('/', ' ')} (headless)`, adapter: wg.adapterName(), tfjsAdapter: [info.vendor, info.architecture].filter(Boolean).join(' / '), tfjs: tf.version_core },
    result,
  };
};
// The inference benchmark against ONNX Runtime Web (bench/onnx_web.mjs), loaded only when called.
window.onnxBenchmark = async (args) => (await import('./onnx.js')).onnxBenchmark(args);
window.benchmarkReady = true;
