// The 1-D layers run the 2-D kernels on height-1 images: a [batch, steps, channels] tensor is a
// [batch, 1, steps, channels] view of the same buffer. Outputs are made in their 1-D shape and the
// kernels write into their 2-D views, so every tensor a layer returns owns its buffer.
import { shapeError } from './layer.js';
import { empty, type Shape, type Tensor } from '../tensor.js';

/** [batch, steps, channels] as [batch, 1, steps, channels] (a view; dispose it, not its owner). */
export function as2d(t: Tensor): Tensor {
  const [batch, steps, channels] = t.shape;
  return t.reshape([batch, 1, steps, channels]);
}

/** A new tensor of the 1-D `shape`, filled by `write` through its 2-D view; views of `inputs` are passed too. */
export function run1d(shape: Shape, inputs: Tensor[], write: (out: Tensor, ...inputs: Tensor[]) => void): Tensor {
  const y = empty(shape);
  const views = [y, ...inputs].map(as2d);
  try {
    write(views[0], ...views.slice(1));
  } finally {
    for (const v of views) v.dispose();
  }
  return y;
}

/** Throws unless a sample is [steps, channels]. */
export function check1d(layer: { name: string; className: string }, inputShape: Shape): void {
  if (inputShape.length !== 2) throw shapeError(layer, inputShape, 'expected [steps, channels] per sample (a 1-D signal)');
}

/** A positive integer option that Keras also accepts as a list of one. */
export function single(layer: string, key: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (!Number.isInteger(n) || (n as number) <= 0) throw new Error(`${layer}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return n as number;
}
