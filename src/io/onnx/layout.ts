// What export and import share: the opsets and IR version, the NHWC ↔ NCHW permutations, weight
// permutations, and Keras's 'same' padding as ONNX's explicit pads.
//
// Layout: ONNX's Conv, pooling and Resize take NCHW; wgslnet's tensors are NHWC. The exported graph
// keeps wgslnet's interface (NHWC in and out, batch first) and runs NCHW inside: one Transpose after
// a 4-D input and one before a 4-D output. Keras flattens in HWC order where ONNX's Flatten of an
// NCHW value gives CHW: a Flatten feeding Dense layers only, and a Reshape to 3-D of a Dense's
// output, take the CHW order as it is and the Dense's kernel rows (columns) are permuted instead;
// elsewhere a Transpose to NHWC precedes the Flatten/Reshape. Kernels are permuted once, when
// written, never at run time.
import { convOutputLength, padBefore, type Padding } from '../../ops/shapes.js';

/** The opset the exporter writes (ONNX 1.13+; every ONNX Runtime since 1.14 runs it). */
export const EXPORT_OPSET = 18;
/** IR version 10 (ONNX 1.16): current, and read by ONNX Runtime ≥ 1.17. */
export const IR_VERSION = 10;
/** Opsets the importer reads: 13 changed Resize/Reshape/Softmax to today's meaning; past 22 the ops it knows may have changed. */
export const MIN_OPSET = 13;
export const MAX_OPSET = 22;

/**
 * metadata_props key of the model's Keras topology (the layers format's JSON): what ONNX cannot say
 * (regularizers, the contractive penalty, noise and dropout, trainable flags) for a wgslnet import.
 */
export const TOPOLOGY_KEY = 'wgslnet.keras_topology';

export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

/** Keras's conv kernel [kh, kw, C, F] (and Conv2DTranspose's [kh, kw, F, C]) as ONNX's [F, C, kh, kw] ([C, F, kh, kw]). */
export const KERAS_TO_ONNX_KERNEL = [3, 2, 0, 1];
export const ONNX_TO_KERAS_KERNEL = [2, 3, 1, 0];

export function sameArray(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** out[…] = data[…] with axes reordered: out's axis i is data's axis perm[i]. */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
  const permStrides = perm.map((p) => strides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * permStrides[i];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** ONNX pads [top, left, bottom, right] for a window sliding over [h, w] as Keras places it. */
export function kerasPads(inSize: readonly number[], kernel: readonly number[], strides: readonly number[], padding: Padding): number[] {
  const before = [0, 1].map((i) => padBefore(inSize[i], kernel[i], strides[i], padding));
  const after = [0, 1].map((i) => {
    const out = convOutputLength(inSize[i], kernel[i], strides[i], padding);
    return padding === 'valid' ? 0 : Math.max((out - 1) * strides[i] + kernel[i] - inSize[i], 0) - before[i];
  });
  return [...before, ...after];
}

/**
 * ConvTranspose's pads and output_padding for Keras's Conv2DTranspose from [h, w] to [oh, ow]: the
 * transpose of the convolution [oh, ow] → [h, w] with Keras's pads. ONNX's output length is
 * s·(h−1) + k + output_padding − pad_begin − pad_end; where k < s the rows past the last window get
 * only the bias, which output_padding (< s, as ONNX requires) adds.
 */
export function transposePads(inSize: readonly number[], outSize: readonly number[], kernel: readonly number[], strides: readonly number[], padding: Padding): { pads: number[]; outputPadding: number[] } {
  const forward = kerasPads(outSize, kernel, strides, padding);
  const pads = [...forward];
  const outputPadding = [0, 0];
  for (const i of [0, 1]) {
    const full = strides[i] * (inSize[i] - 1) + kernel[i];
    const end = full - outSize[i] - forward[i];
    if (end >= 0) pads[2 + i] = end;
    else {
      pads[2 + i] = 0;
      outputPadding[i] = -end;
    }
  }
  return { pads, outputPadding };
}

/** For each HWC-ordered index j of a [C, H, W] value (Keras's flatten order), its CHW-ordered index (ONNX's). */
export function hwcToChw([c, h, w]: readonly number[]): number[] {
  const order = new Array<number>(c * h * w);
  for (let y = 0, j = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++, j++) order[j] = (k * h + y) * w + x;
  return order;
}

/** The inverse permutation: inverse(order)[order[j]] = j. */
export function inverse(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((src, j) => (inv[src] = j));
  return inv;
}

/** Row j of the result is row order[j] of the [rows, cols] matrix m. */
export function takeRows(m: Float32Array, order: readonly number[], cols: number): Float32Array {
  const out = new Float32Array(m.length);
  order.forEach((src, j) => out.set(m.subarray(src * cols, (src + 1) * cols), j * cols));
  return out;
}

/** Column j of the result is column order[j] of the [rows, cols] matrix m (a vector is one row). */
export function takeColumns(m: Float32Array, order: readonly number[], cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < m.length / cols; r++) order.forEach((src, j) => (out[r * cols + j] = m[r * cols + src]));
  return out;
}
