// Embedding wgslnet: load a saved 28×28 autoencoder (by default the one the demo saves in this
// browser; ?model=URL of a model.json otherwise) and reconstruct one image with it.
import { init, loadModel } from '../../src/index.js';

const [source, result] = document.querySelectorAll('canvas');
const status = document.getElementById('status')!;
try {
  await init();
  const model = await loadModel(new URLSearchParams(location.search).get('model') ?? 'indexeddb://wgslnet-demo-shallow');
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
  status.textContent = `Reconstructed by '${model.name}' (${model.countParams().toLocaleString('en-US')} parameters).`;
} catch (e) {
  status.textContent = `Could not reconstruct: ${(e as Error).message}`;
}
