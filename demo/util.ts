// Small helpers shared by the panels.
import type { Model } from '../src/index.js';
import { drawImage } from './images.js';

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

/** How long after a panel's last input training waits before its next step. */
const QUIET_MS = 400;
let lastInput = -Infinity;

/** A panel's input (a pen stroke, a drag on the latent plane, a slider, a key): see interactionsQuiet. */
export function interacting(): void {
  lastInput = performance.now();
}

/**
 * Resolves once no panel input has come for QUIET_MS. Training waits for this before each step:
 * a prediction queued behind a step waits for all of it (seconds for the conv models on a
 * software adapter), so while someone draws or drags the GPU is theirs, and a drag's every move
 * is answered in a prediction's time rather than a step's. Training that nobody touches never waits.
 */
export async function interactionsQuiet(): Promise<void> {
  for (let wait: number; (wait = lastInput + QUIET_MS - performance.now()) > 0; ) await new Promise((resolve) => setTimeout(resolve, wait));
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

/**
 * A live decoder view: the returned function redraws `canvas` with the decoder's image of the
 * code `code()` gives at the time it runs, coalesced (a drag's moves never queue up predictions),
 * and counts the decodings in the canvas's data-decodes for the end-to-end tests.
 */
export function liveDecoding(canvas: HTMLCanvasElement, decoder: () => Model | null, code: () => Float32Array, shape: () => readonly number[], onError: (e: unknown) => void): () => void {
  return coalesce(async () => {
    const m = decoder();
    if (!m) return;
    drawImage(canvas, await predictHost(m, code(), 1, 1), 0, shape());
    canvas.dataset.decodes = String(Number(canvas.dataset.decodes ?? 0) + 1);
  }, onError);
}
