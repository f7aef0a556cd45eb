// Small helpers shared by the panels.
import type { Model } from '../src/index.js';

/** Predictions in flight (the panels', the grid's). */
const inFlight = new Set<Promise<Float32Array>>();

/** The model's outputs for n samples, as floats (the GPU tensor is freed). */
export function predictHost(m: Model, x: Float32Array | Uint8Array, n: number, scale: number): Promise<Float32Array> {
  const run = (async () => {
    const out = await m.predict({ data: x, shape: [n, ...m.inputShape] }, { scale });
    try {
      return await out.data();
    } finally {
      out.dispose();
    }
  })();
  inFlight.add(run);
  void run.finally(() => inFlight.delete(run)).catch(() => {});
  return run;
}

/**
 * Resolves when the predictions in flight have their results. Training waits for this before
 * each step: a prediction takes two trips to the GPU (run, then read back), and a training step
 * submitted between them would make a drawing's answer wait for a whole step more.
 */
export function predictionsDone(): Promise<unknown> {
  return Promise.allSettled([...inFlight]);
}

/**
 * Wraps an async redraw so that calls arriving while one runs collapse into a single rerun:
 * slider drags and pen strokes fire faster than the GPU answers.
 */
export function coalesce(redraw: () => Promise<void>, onError: (e: unknown) => void): () => void {
  let busy = false;
  let again = false;
  return async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        await redraw();
      } while (again);
    } catch (e) {
      onError(e);
    } finally {
      busy = false;
    }
  };
}
