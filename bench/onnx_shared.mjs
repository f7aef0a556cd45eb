// What the inference benchmarks share (Node: bench/onnx.mjs, Chromium: bench/onnx_web.mjs via
// bench/browser/onnx.js): the models and sizes, the two timed functions, agreement and turns.
// Browser-safe: the libraries come in as arguments.

/** Batch size and batches per predict call per seed model; `browser` for SwiftShader, several times slower. */
export const PLAN = {
  shallow: { batchSize: 256, batches: 8, browser: { batches: 2 } },
  sparse: { batchSize: 256, batches: 8, browser: { batches: 2 } },
  'deep-fashion': { batchSize: 256, batches: 8, browser: { batches: 2 } },
  contractive: { batchSize: 256, batches: 8, browser: { batches: 2 } },
  deep: { batchSize: 20, batches: 4, browser: { batches: 1 } },
  conv: { batchSize: 20, batches: 2, browser: { batches: 1 } },
  denoising: { batchSize: 20, batches: 2, browser: { batches: 1 } },
};

/** `--models a,b` and `--turns N` from a command line, checked. */
export function parseOptions(argv, defaultTurns) {
  const option = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const turns = Number(option('--turns', defaultTurns));
  if (!(Number.isInteger(turns) && turns > 0)) throw new Error('--turns must be a positive integer');
  const names = option('--models', Object.keys(PLAN).join(',')).split(',');
  for (const n of names) if (!PLAN[n]) throw new Error(`unknown model '${n}'; choose from ${Object.keys(PLAN).join(', ')}`);
  return { names, turns };
}

/**
 * The seed model `name` in wgslnet and as an ONNX session (made by `createSession(bytes)`), on the
 * same random inputs: run.wgslnet() is one predict call over every batch, run.onnx() one session
 * run per batch; both read the outputs back. `read(result)` gives an ORT output's Float32Array.
 */
export async function inferencePair({ wg, Tensor, createSession, read, name, batchSize, batches }) {
  wg.setRandomSeed(1);
  const m = wg.examples[name].build();
  const n = batchSize * batches;
  const per = m.inputShape.reduce((a, b) => a * b, 1);
  const outPer = m.outputShape.reduce((a, b) => a * b, 1);
  const shape = [n, ...m.inputShape];
  const x = Float32Array.from({ length: n * per }, () => Math.random());
  const bytes = await wg.toOnnx(m);
  const session = await createSession(bytes);
  const run = {
    async wgslnet() {
      const y = await m.predict({ data: x, shape }, { batchSize });
      const out = await y.data();
      y.dispose();
      return out;
    },
    async onnx() {
      const out = new Float32Array(n * outPer);
      for (let b = 0; b < batches; b++) {
        const feed = { [session.inputNames[0]]: new Tensor('float32', x.subarray(b * batchSize * per, (b + 1) * batchSize * per), [batchSize, ...m.inputShape]) };
        out.set(await read((await session.run(feed))[session.outputNames[0]]), b * batchSize * outPer);
      }
      return out;
    },
  };
  return { m, n, bytes, session, run };
}

/** Worst |a − b| / (1e-6 + |b|). */
export function relativeError(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-6 + Math.abs(b[i])));
  return worst;
}

/** Checks agreement, then times both in alternating turns: the best seconds of each. */
export async function timePair(run, turns, onTurn = () => {}) {
  const error = relativeError(await run.onnx(), await run.wgslnet());
  const best = { wgslnet: Infinity, onnx: Infinity };
  for (let t = 0; t < turns; t++) {
    for (const key of ['wgslnet', 'onnx']) {
      const t0 = performance.now();
      await run[key]();
      best[key] = Math.min(best[key], (performance.now() - t0) / 1000);
    }
    onTurn(t);
  }
  return { error, best };
}
