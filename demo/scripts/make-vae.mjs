// Makes the small trained VAE the demo build ships (public/models/vae/): the library's buildVae
// with the demo's sizes (models.ts: VAE_HIDDEN units, a 2-D latent plane) trained on Fashion-MNIST
// in Node, so that a visitor explores the latent plane without training for minutes first.
// Run after `npm run build`:  node demo/scripts/make-vae.mjs [epochs] [samples]
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildVae, datasets, flatten, init, setRandomSeed, take } from '../../dist/node/index.js';

const HIDDEN = 64; // keep equal to VAE_HIDDEN in demo/models.ts
const epochs = Number(process.argv[2] ?? 30);
const samples = Number(process.argv[3] ?? 60000);
const out = fileURLToPath(new URL('../public/models/vae/', import.meta.url));

await init();
setRandomSeed(0);
const fm = await datasets.fashionMnist.load();
const x = flatten(take(fm.xTrain, samples));
const xTest = flatten(take(fm.xTest, 1000));
const { vae } = buildVae({ hidden: HIDDEN });
const t0 = performance.now();
const history = await vae.fit(x, x, { epochs, batchSize: 128, scale: 1 / 255, seed: 0, verbose: 0, validationData: [xTest, xTest],
  callbacks: { onEpochEnd: (e, logs) => console.log(`epoch ${e + 1}: loss ${logs.loss.toFixed(2)} val ${logs.val_loss?.toFixed(2)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`) } });
rmSync(out, { recursive: true, force: true });
await vae.save(`file://${out}`);
console.log(`vae (hidden ${HIDDEN}, ${vae.countParams()} parameters), ${epochs} epochs on ${samples} images: val_loss ${history.history.val_loss.at(-1).toFixed(2)} → ${out}`);
