// Embedding wgslnet: load a saved 28×28 autoencoder and reconstruct one image with it. The model:
// ?model=<url of a model.json>, else the one the demo saved in this browser, else the small model
// shipped with the demo build (public/models/shallow/, trained by `wgslnet train shallow`).
import { init, loadModel, type Model } from '../../src/index.js';

const [source, result] = document.querySelectorAll('canvas');
const status = document.getElementById('status')!;
const SHIPPED = new URL('../models/shallow/model.json', location.href).href;

/** The model to show, and where it came from, in words. */
async function pickModel(): Promise<{ model: Model; from: string }> {
  const url = new URLSearchParams(location.search).get('model');
  if (url) return { model: await loadModel(url), from: url };
  try {
    return { model: await loadModel('indexeddb://wgslnet-demo-shallow'), from: 'the model the demo saved in this browser' };
  } catch {
    return { model: await loadModel(SHIPPED), from: 'the model shipped with this page (nothing saved by the demo in this browser yet)' };
  }
}

try {
  await init();
  const { model, from } = await pickModel();
  const image = new Image();
  image.src = new URL('./sample.png', import.meta.url).href;
  await image.decode();
  const ctx = source.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(image, 0, 0, 28, 28);
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  const grey = Float32Array.from({ length: 28 * 28 }, (_, p) => rgba[4 * p] / 255);
  const output = await model.predict({ data: grey, shape: [1, ...model.inputShape] });
  const pixels = new ImageData(28, 28);
  (await output.data()).forEach((v, p) => pixels.data.set([v * 255, v * 255, v * 255, 255], 4 * p));
  result.getContext('2d')!.putImageData(pixels, 0, 0);
  status.textContent = `Reconstructed by '${model.name}' (${model.countParams().toLocaleString('en-US')} parameters): ${from}.`;
} catch (e) {
  status.dataset.state = 'error';
  status.textContent = `Could not reconstruct the image: ${(e as Error).message}`;
}
