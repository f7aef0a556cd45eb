// Small helpers shared by the panels.
import type { Model } from '../src/index.js';

/** The model's outputs for n samples, as floats (the GPU tensor is freed). */
export async function predictHost(m: Model, x: Float32Array | Uint8Array, n: number, scale: number): Promise<Float32Array> {
  const out = await m.predict({ data: x, shape: [n, ...m.inputShape] }, { scale });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
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
