// Benchmarks of the gradient tape (issue 12), as side-by-side ratios on one adapter:
//   1. the shallow autoencoder (bench/models.mjs) trained with a loss written as ops
//      (compile({ loss: (yTrue, yPred) => … })) against the same loss built in: the cost of the tape;
//   2. one VAE training step (src/vae.ts: 784→512→2 latent→512→784, adam) in wgslnet against
//      TF.js's webgpu backend running the same step as a custom loop with tf.variableGrads.
// Steps alternate in blocks (A B B A …) so that drift on this shared machine hits both sides alike.
//   npm run build && node bench/tape.mjs [--steps N] [--block N] [--warmup N] [--rows loss,vae]
// Writes bench/results/tape-<runtime>.json and prints a Markdown table.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS, buildWgslnet, makeBatches } from './models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), a === '--rows' ? all[i + 1] : Number(all[i + 1])]] : acc), []));
const rowsWanted = (args.rows ?? 'loss,vae').split(',');
const steps = args.steps ?? 40;
const block = args.block ?? 10;
const warmup = args.warmup ?? 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times two step functions in alternating blocks; returns each side's step times (ms). */
async function alternate(sides) {
  const names = Object.keys(sides);
  const ms = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) for (let i = 0; i < warmup; i++) await sides[n]();
  for (let from = 0, k = 0; from < steps; from += block, k++) {
    for (const n of k % 2 ? [...names].reverse() : names) {
      for (let i = from; i < Math.min(steps, from + block); i++) {
        const t0 = performance.now();
        await sides[n]();
        ms[n].push(performance.now() - t0);
      }
    }
  }
  return ms;
}

const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
globalThis.navigator = { gpu };
const wg = await import('../dist/node/index.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');
// tf.variableGrads needs the ops' gradients, which loading tfjs-layers registers.
await import('@tensorflow/tfjs-layers');
await wg.init({ gpu });
if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not initialise');
await tf.ready();

const rows = [];

// 1. Custom loss vs built-in loss on the shallow autoencoder.
if (rowsWanted.includes('loss')) {
  const spec = MODELS.shallow;
  const fashion = (await wg.datasets.fashionMnist.load()).xTrain;
  const [batch] = makeBatches(wg, spec, 1, fashion);
  const x = wg.tensor(batch, [spec.batchSize, ...spec.inputShape]);
  const { mean, square, sub, mul, add, log, clipByValue } = wg;
  const ops = {
    binaryCrossentropy: (yTrue, yPred) => {
      const p = clipByValue(yPred, 1e-7, 1 - 1e-7);
      return mul(-1, mean(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p))))));
    },
    meanSquaredError: (yTrue, yPred) => mean(square(sub(yTrue, yPred))),
  };
  for (const loss of Object.keys(ops)) {
    wg.setRandomSeed(42);
    const builtIn = buildWgslnet(wg, 'shallow');
    builtIn.compile({ optimizer: wg.optimizers.adadelta({ learningRate: 1, rho: 0.95, epsilon: 1e-7 }), loss });
    const custom = buildWgslnet(wg, 'shallow');
    custom.compile({ optimizer: wg.optimizers.adadelta({ learningRate: 1, rho: 0.95, epsilon: 1e-7 }), loss: ops[loss] });
    custom.setWeights(await builtIn.getWeights());
    const ms = await alternate({ builtIn: () => builtIn.trainOnBatch(x, x), ops: () => custom.trainOnBatch(x, x) });
    const [a, b] = [median(ms.builtIn), median(ms.ops)];
    rows.push({ row: `shallow AE step, ${loss}: written as ops vs built in`, wgslnet: b, reference: a, ratio: b / a, referenceName: 'built-in loss' });
    console.log(rows.at(-1));
  }
  x.dispose();
}

// 2. One VAE step: wgslnet's trainOnBatch vs TF.js webgpu's custom loop.
if (rowsWanted.includes('vae')) {
  const [n, dim, hidden, latent] = [128, 784, 512, 2];
  wg.setRandomSeed(7);
  const { vae } = wg.buildVae({ originalDim: dim, hidden, latentDim: latent });
  const data = Float32Array.from({ length: n * dim }, wg.seededRandom(3));
  const x = wg.tensor(data, [n, dim]);
  const weights = await vae.getWeights();
  const vars = vae.weights.map((w, i) => tf.variable(tf.tensor(weights[i], w.shape)));
  const v = (suffix) => vars[vae.weights.findIndex((w) => w.name.endsWith(suffix))];
  const tx = tf.tensor2d(data, [n, dim]);
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const dense = (t, name, act) => { const y = tf.add(tf.matMul(t, v(`${name}/kernel`)), v(`${name}/bias`)); return act ? act(y) : y; };
  const tfStep = async () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const h = dense(tx, 'encoder_hidden', tf.relu);
        const zMean = dense(h, 'z_mean');
        const zLogVar = dense(h, 'z_log_var');
        const z = tf.add(zMean, tf.mul(tf.exp(tf.mul(0.5, zLogVar)), tf.randomNormal([n, latent])));
        const p = tf.clipByValue(dense(dense(z, 'decoder_hidden', tf.relu), 'decoder_output', tf.sigmoid), 1e-7, 1 - 1e-7);
        const recon = tf.mul(-1, tf.mean(tf.sum(tf.add(tf.mul(tx, tf.log(p)), tf.mul(tf.sub(1, tx), tf.log(tf.sub(1, p)))), -1)));
        const kl = tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.add(1, zLogVar), tf.add(tf.square(zMean), tf.exp(zLogVar))), -1)));
        return tf.add(recon, kl);
      });
      opt.applyGradients(grads);
      return value;
    });
    await loss.data();
    loss.dispose();
  };
  const ms = await alternate({ tfjs: tfStep, wgslnet: () => vae.trainOnBatch(x, x) });
  const [a, b] = [median(ms.tfjs), median(ms.wgslnet)];
  rows.push({ row: `VAE step (784→512→2→512→784, batch ${n}, adam): trainOnBatch vs TF.js webgpu tf.variableGrads loop`, wgslnet: b, reference: a, ratio: b / a, referenceName: 'TF.js webgpu' });
  console.log(rows.at(-1));
}

const environment = { runtime: `Node ${process.versions.node} (Dawn, npm webgpu)`, adapter: wg.adapterName(), steps, block, warmup, date: new Date().toISOString() };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'tape-node.json'), JSON.stringify({ environment, rows }, null, 2) + '\n');
console.log(`\n| ${environment.adapter} | wgslnet ms | reference ms | ratio |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.row} | ${r.wgslnet.toFixed(2)} | ${r.reference.toFixed(2)} (${r.referenceName}) | ${r.ratio.toFixed(3)} |`);
wg.release();
process.exit(0);
