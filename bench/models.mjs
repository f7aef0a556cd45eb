// The model-level benchmark shared by Node (bench/run.mjs) and the browser page (bench/browser/):
// the seed's three autoencoders and a U-Net built layer for layer in wgslnet and in TF.js (tfjs-layers on the
// webgpu backend), started from the same weights, trained with the same optimizer settings on the
// same batches, and timed in alternating blocks of steps so that machine drift (this machine is
// shared) hits both alike. Browser-safe: the libraries come in as arguments.

/**
 * Architectures and hyperparameters. Layer configs are written once and given to both libraries,
 * so the two models cannot differ. `warmup`/`steps`/`block` are per framework; deep and conv take
 * seconds per TF.js step on a CPU adapter, hence few steps. `browser` overrides them in Chromium.
 */
export const MODELS = {
  shallow: {
    description: '784→32 relu→784 sigmoid, adadelta(1.0), binary cross-entropy, Fashion-MNIST',
    inputShape: [784],
    batchSize: 256,
    data: 'fashion-mnist',
    optimizer: { name: 'adadelta', learningRate: 1, rho: 0.95, epsilon: 1e-7 },
    loss: 'binaryCrossentropy',
    layers: [
      ['dense', { units: 32, activation: 'relu' }],
      ['dense', { units: 784, activation: 'sigmoid' }],
    ],
    warmup: 5, steps: 40, block: 10, predictBatches: 10,
    browser: { warmup: 3, steps: 10, block: 5, predictBatches: 4 },
  },
  deep: {
    description: '12288→1024→512→256→512→1024→12288 relu/sigmoid, adam(1e-3), mse, uniform [0,1) data',
    inputShape: [12288],
    batchSize: 20,
    data: 'uniform',
    optimizer: { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    loss: 'meanSquaredError',
    layers: [
      ...[1024, 512, 256, 512, 1024].map((units) => ['dense', { units, activation: 'relu' }]),
      ['dense', { units: 12288, activation: 'sigmoid' }],
    ],
    warmup: 3, steps: 10, block: 5, predictBatches: 3,
    // SwiftShader in Chromium is several times slower than lavapipe: tens of seconds per step.
    browser: { warmup: 2, steps: 3, block: 1, predictBatches: 1, predictReps: 2 },
  },
  conv: {
    description: '64×64×3: Conv(32)→MaxPool(2)→Conv(16)→MaxPool(1)→Conv(16)→UpSampling(2)→Conv(3, sigmoid), adam(1e-3), mse, uniform [0,1) data',
    inputShape: [64, 64, 3],
    batchSize: 20,
    data: 'uniform',
    optimizer: { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    loss: 'meanSquaredError',
    layers: [
      ['conv2d', { filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }],
      ['maxPooling2d', { poolSize: 2, padding: 'same' }],
      ['conv2d', { filters: 16, kernelSize: 3, activation: 'relu', padding: 'same' }],
      ['maxPooling2d', { poolSize: 1, padding: 'same' }],
      ['conv2d', { filters: 16, kernelSize: 3, activation: 'relu', padding: 'same' }],
      ['upSampling2d', { size: [2, 2] }],
      ['conv2d', { filters: 3, kernelSize: 3, activation: 'sigmoid', padding: 'same' }],
    ],
    warmup: 3, steps: 10, block: 5, predictBatches: 3,
    // SwiftShader in Chromium is several times slower than lavapipe: tens of seconds per step.
    browser: { warmup: 2, steps: 3, block: 1, predictBatches: 1, predictReps: 2 },
  },
  unet: {
    description: '28×28×1 U-Net: Conv(8)→Pool→Conv(16)→Pool→Conv(16)→Up⧺skip→Conv(8)→Up⧺skip→Conv(8)→Conv(1, sigmoid), adam(1e-3), mse, Fashion-MNIST',
    inputShape: [28, 28, 1],
    batchSize: 128,
    data: 'fashion-mnist',
    optimizer: { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    loss: 'meanSquaredError',
    // Not a chain: `graph(layer, x)` wires the skips, `layer(type, config)` making each library's layer.
    graph(layer, x) {
      const conv = (filters, activation = 'relu') => layer('conv2d', { filters, kernelSize: 3, activation, padding: 'same' });
      const down = (t) => layer('maxPooling2d', { poolSize: 2 }).apply(t);
      const upJoin = (t, skip) => layer('concatenate', { axis: -1 }).apply([layer('upSampling2d', { size: [2, 2] }).apply(t), skip]);
      const c1 = conv(8).apply(x);
      const c2 = conv(16).apply(down(c1));
      const bottleneck = conv(16).apply(down(c2));
      const u2 = conv(8).apply(upJoin(bottleneck, c2));
      const u1 = conv(8).apply(upJoin(u2, c1));
      return conv(1, 'sigmoid').apply(u1);
    },
    warmup: 2, steps: 8, block: 4, predictBatches: 3,
    browser: { warmup: 2, steps: 3, block: 1, predictBatches: 1, predictReps: 2 },
  },
};

/** The model's output from input `x`: its graph, or its layers in a chain. */
function wire(spec, makeLayer, x) {
  return spec.graph ? spec.graph(makeLayer, x) : spec.layers.reduce((t, [type, cfg]) => makeLayer(type, cfg).apply(t), x);
}

/** Distinct batches cycled through by the steps (the same arrays feed both libraries). */
export const NUM_BATCHES = 4;

/**
 * The loss check. trainOnBatch returns the loss before its update, so step 0 checks the forward
 * pass and the loss, and later steps the gradients and the optimizer's updates. The checked steps
 * all train on batch 0, so that the loss changes only by the updates; those move it by ~1e-3 of
 * itself per step (Adam at 1e-3), too little for a loss comparison to see a wrong gradient, so
 * steps 1… compare the loss CHANGE since step 0 instead. Both libraries sum in float32 in
 * different orders: losses agree to ~1e-7 relative, the changes to ~1e-4 (shallow) or better,
 * while a learning rate off by 2% moves them by ~1-2%. Later steps cycle through the batches and
 * drift apart slowly; their differences are reported, not judged.
 */
export const CHECK_STEPS = 3;
/** Step 0: |loss_wgslnet - loss_tfjs| / |loss_tfjs|. */
export const LOSS_RTOL = 1e-4;
/** Steps 1…: |change_wgslnet - change_tfjs| / |change_tfjs|, change = loss_i - loss_0. */
export const CHANGE_RTOL = 5e-3;

/** Per checked step: the relative difference judged (see CHECK_STEPS), and whether all pass. */
export function checkLosses(ours, theirs) {
  const diffs = [];
  for (let i = 0; i < Math.min(CHECK_STEPS, ours.length, theirs.length); i++) {
    diffs.push(
      i === 0
        ? Math.abs(ours[0] - theirs[0]) / Math.abs(theirs[0])
        : Math.abs(ours[i] - ours[0] - (theirs[i] - theirs[0])) / Math.abs(theirs[i] - theirs[0]),
    );
  }
  // NaN (a NaN loss, or no change at all) fails.
  const valid = diffs.length === CHECK_STEPS && diffs.every((d, i) => d <= (i === 0 ? LOSS_RTOL : CHANGE_RTOL));
  return { diffs, valid };
}

/**
 * The batches for a model, as flat Float32Arrays of batchSize·prod(inputShape): Fashion-MNIST's
 * first training images scaled to [0, 1] when `fashion` (its xTrain, uint8 N×28×28) is given and
 * the model uses it, seeded uniform noise otherwise.
 */
export function makeBatches(wg, spec, count, fashion = null) {
  const size = spec.batchSize * spec.inputShape.reduce((a, b) => a * b, 1);
  if (spec.data === 'fashion-mnist' && fashion) {
    return Array.from({ length: count }, (_, b) => Float32Array.from(fashion.data.subarray(b * size, (b + 1) * size), (v) => v / 255));
  }
  const random = wg.seededRandom(1234);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, random));
}

export function buildWgslnet(wg, name) {
  const spec = MODELS[name];
  const { name: opt, ...config } = spec.optimizer;
  const x = wg.input({ shape: spec.inputShape });
  const m = wg.model({ inputs: x, outputs: wire(spec, (type, cfg) => wg.layers[type](cfg), x), name });
  m.compile({ optimizer: wg.optimizers[opt](config), loss: spec.loss });
  return m;
}

/** `lrFactor` scales TF.js's learning rate, only to see the loss check fail (--tfjs-lr-factor). */
export function buildTfjs(tf, tfl, name, lrFactor = 1) {
  const spec = MODELS[name];
  const o = spec.optimizer;
  const lr = o.learningRate * lrFactor;
  const optimizer = o.name === 'adam' ? tf.train.adam(lr, o.beta1, o.beta2, o.epsilon) : tf.train.adadelta(lr, o.rho, o.epsilon);
  const x = tfl.input({ shape: spec.inputShape });
  const m = tfl.model({ inputs: x, outputs: wire(spec, (type, cfg) => tfl.layers[type](cfg), x) });
  m.compile({ optimizer, loss: spec.loss });
  return m;
}

/** The value at fraction q of the sorted samples (nearest rank). */
function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/** Median, 10th and 90th percentile, min and max of a list of times. */
export function summarize(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
  return { n: ms.length, median, p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9), min: sorted[0], max: sorted.at(-1) };
}

const now = () => performance.now();

/**
 * Benchmarks one model: training steps (trainOnBatch, which reads the loss back in both libraries,
 * so each timed step ends with the device idle), peak GPU memory, the loss check, and predict
 * throughput (predict of predictBatches batches plus reading the outputs back, in both).
 * `options` may override warmup, steps and block. Returns a plain JSON-able result.
 */
export async function benchModel({ wg, tf, tfl, name, batches, log = () => {}, tfjsLrFactor = 1, ...options }) {
  const spec = MODELS[name];
  const { warmup, steps, block, predictBatches, predictReps = 3 } = { ...spec, ...options };
  const shape = [spec.batchSize, ...spec.inputShape];
  const perSample = shape.slice(1).reduce((a, b) => a * b, 1);

  wg.setRandomSeed(42);
  const ours = buildWgslnet(wg, name);
  const theirs = buildTfjs(tf, tfl, name, tfjsLrFactor);
  const initial = await ours.getWeights();
  const tfShapes = theirs.getWeights().map((w) => w.shape);
  if (initial.length !== tfShapes.length) throw new Error(`${name}: wgslnet has ${initial.length} weights, TF.js ${tfShapes.length}`);
  theirs.setWeights(initial.map((w, i) => tf.tensor(w, tfShapes[i])));

  const wgX = batches.map((b) => wg.tensor(b, shape));
  const tfX = batches.map((b) => tf.tensor(b, shape));
  const batchOf = (i) => (i < CHECK_STEPS ? 0 : i % batches.length);
  const sides = {
    wgslnet: {
      step: (i) => ours.trainOnBatch(wgX[batchOf(i)], wgX[batchOf(i)]),
      // Allocated = live tensors + the pool of freed buffers kept for reuse (never returned to the
      // device while the model runs), so its value after a step is the peak so far.
      memory: () => {
        const m = wg.memory();
        return { live: m.numBytes, allocated: m.numBytes + m.pooledBytes };
      },
    },
    tfjs: {
      step: async (i) => /** @type {number} */ (await theirs.trainOnBatch(tfX[batchOf(i)], tfX[batchOf(i)])),
      // TF.js's buffer manager: bytes in use, and all it has created and not destroyed (its free
      // list included, and its uniform and staging buffers, which wgslnet's count leaves out).
      // On a CPU backend (wasm), the bytes of its live tensors.
      memory: () => {
        const m = tf.memory();
        return { live: m.numBytesInGPU ?? m.numBytes, allocated: m.numBytesAllocatedInGPU ?? m.numBytes };
      },
    },
  };
  const state = Object.fromEntries(Object.keys(sides).map((k) => [k, { losses: [], ms: [], peakLive: 0, peakAllocated: 0 }]));

  async function run(side, from, to) {
    const s = state[side];
    for (let i = from; i < to; i++) {
      const t0 = now();
      const loss = await sides[side].step(i);
      const ms = now() - t0;
      s.losses.push(loss);
      if (i >= warmup) s.ms.push(ms);
      const m = sides[side].memory();
      s.peakLive = Math.max(s.peakLive, m.live);
      s.peakAllocated = Math.max(s.peakAllocated, m.allocated);
    }
    log(`${name} ${side}: steps ${from}-${to - 1} done, last ${s.ms.at(-1)?.toFixed(1) ?? '-'} ms, loss ${s.losses.at(-1)}`);
  }

  // Warm-up first (pipeline builds, buffer pools), then blocks in the order A B B A A B ...
  // TF.js goes first: a backend without a kernel the model needs (wasm has no
  // Conv2DBackpropFilter) fails on its first step, and the model is reported as one TF.js cannot
  // train there.
  const total = warmup + steps;
  try {
    await run('tfjs', 0, warmup);
    await run('wgslnet', 0, warmup);
    for (let from = warmup, k = 0; from < total; from += block, k++) {
      const to = Math.min(total, from + block);
      const order = k % 2 === 0 ? ['tfjs', 'wgslnet'] : ['wgslnet', 'tfjs'];
      for (const side of order) await run(side, from, to);
    }
  } catch (e) {
    const missing = /Kernel '(\w+)' not registered/.exec(String(e?.message));
    if (!missing) throw e;
    log(`${name}: TF.js cannot train it on this backend: ${e.message}`);
    for (const t of wgX) t.dispose();
    tf.dispose(tfX);
    theirs.dispose();
    return { model: name, description: spec.description, batchSize: spec.batchSize, unsupported: `no ${missing[1]} kernel` };
  }

  const check = checkLosses(state.wgslnet.losses, state.tfjs.losses);
  const rel = state.wgslnet.losses.map((v, i) => Math.abs(v - state.tfjs.losses[i]) / Math.abs(state.tfjs.losses[i]));

  // Predict: predictBatches batches in one call, outputs read back; one warm-up call each, then
  // predictReps alternating calls, the median taken.
  const nPredict = predictBatches * spec.batchSize;
  const pX = new Float32Array(nPredict * perSample);
  for (let i = 0; i < predictBatches; i++) pX.set(batches[i % batches.length], i * spec.batchSize * perSample);
  const wgP = wg.tensor(pX, [nPredict, ...spec.inputShape]);
  const tfP = tf.tensor(pX, [nPredict, ...spec.inputShape]);
  const predict = {
    wgslnet: async () => {
      const out = await ours.predict(wgP, { batchSize: spec.batchSize });
      await out.data();
      out.dispose();
    },
    tfjs: async () => {
      const out = theirs.predict(tfP, { batchSize: spec.batchSize });
      await out.data();
      out.dispose();
    },
  };
  const predictMs = { wgslnet: [], tfjs: [] };
  for (let r = 0; r <= predictReps; r++) {
    for (const side of r % 2 === 0 ? ['wgslnet', 'tfjs'] : ['tfjs', 'wgslnet']) {
      const t0 = now();
      await predict[side]();
      if (r > 0) predictMs[side].push(now() - t0);
    }
  }
  log(`${name}: predict done`);

  const result = { model: name, description: spec.description, batchSize: spec.batchSize, params: ours.countParams(), warmup, steps, block, predictSamples: nPredict, valid: check.valid, lossCheck: { diffs: check.diffs, lossRtol: LOSS_RTOL, changeRtol: CHANGE_RTOL }, frameworks: {} };
  for (const side of Object.keys(sides)) {
    const s = state[side];
    const t = summarize(s.ms);
    const p = summarize(predictMs[side]);
    result.frameworks[side] = {
      stepMs: t,
      samplesPerSec: (spec.batchSize * 1000) / t.median,
      peakLiveBytes: s.peakLive,
      peakAllocatedBytes: s.peakAllocated,
      predictMs: p,
      predictSamplesPerSec: (nPredict * 1000) / p.median,
      losses: s.losses,
    };
  }
  result.ratio = result.frameworks.wgslnet.stepMs.median / result.frameworks.tfjs.stepMs.median;
  result.predictRatio = result.frameworks.wgslnet.predictMs.median / result.frameworks.tfjs.predictMs.median;
  // Informational: how far the losses drift apart over the whole run.
  result.lossRelDiff = { max: Math.max(...rel), last: rel.at(-1) };

  for (const t of [...wgX, wgP]) t.dispose();
  tf.dispose([...tfX, tfP]);
  theirs.dispose();
  return result;
}
