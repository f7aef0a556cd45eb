// Keras's spatial arithmetic, shared by convolution and pooling.
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';

export type Padding = 'same' | 'valid';
export type Pair = [number, number];

/**
 * A new float32 tensor of `shape`, or the caller's `out`, which may have another shape of that
 * size (a view: the 1-D layers pass [batch, 1, steps, channels] views of [batch, steps, channels]).
 */
export function outputTensor(op: string, shape: Shape, out?: Tensor): Tensor {
  if (!out) return empty(shape);
  if (out.size !== shape.reduce((a, b) => a * b, 1) || out.dtype !== 'float32') throw new Error(`${op}: out ${formatShape(out.shape)} (${out.dtype}) does not hold ${formatShape(shape)}`);
  return out;
}

/** A size given as one number or two; anything else (a saved config's string, object, null) is an error. */
export function pair(v: number | readonly number[], what: string): Pair {
  const p: unknown[] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...v] : [];
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && (d as number) > 0)) throw new Error(`${what} must be a positive integer or a list of 2, got ${JSON.stringify(v) ?? String(v)}`);
  return p as Pair;
}

/** Output length along one axis (Keras's conv_output_length, dilation 1). */
export function convOutputLength(inLength: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(inLength / stride) : Math.floor((inLength - kernel) / stride) + 1;
}

/** Padding before the first element along one axis; TF's 'same' puts the odd extra pad at the end. */
export function padBefore(inLength: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  const out = Math.ceil(inLength / stride);
  return Math.floor(Math.max((out - 1) * stride + kernel - inLength, 0) / 2);
}

/** Checks an NHWC shape, naming the op. */
export function checkNHWC(shape: Shape, op: string): void {
  if (shape.length !== 4 || shape.some((d) => d <= 0)) throw new Error(`${op}: expected a non-empty NHWC input [batch, height, width, channels], got ${formatShape(shape)}`);
}
