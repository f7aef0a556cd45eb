// Conv2D and Conv2DTranspose (Keras semantics, NHWC), forward and backward, as implicit GEMMs:
// shaders/conv2d_forward.wgsl, conv2d_backward_input.wgsl, conv2d_backward_filter.wgsl (+ _reduce),
// and their _subgroups variants for CPU adapters, chosen in src/tuning.ts (see
// lib/conv2d_subgroups.wgsl for why they differ). A transposed convolution is the input gradient of the
// convolution it inverts (as in TF), so its three passes are the same kernels with the roles of input
// and output swapped.
import { defineKernel, grid1d } from '../runner.js';
import { conv2d_backward_filter } from '../generated/conv2d_backward_filter.js';
import { conv2d_backward_filter_reduce } from '../generated/conv2d_backward_filter_reduce.js';
import { conv2d_backward_filter_subgroups } from '../generated/conv2d_backward_filter_subgroups.js';
import { conv2d_backward_input } from '../generated/conv2d_backward_input.js';
import { conv2d_backward_input_subgroups } from '../generated/conv2d_backward_input_subgroups.js';
import { conv2d_forward } from '../generated/conv2d_forward.js';
import { conv2d_forward_subgroups } from '../generated/conv2d_forward_subgroups.js';
import { empty, formatShape, type Shape, type Tensor } from '../tensor.js';
import { convKernels } from '../tuning.js';
import { activationConstants, type ActivationName } from './activation.js';
import { biasGrad } from './matmul.js';
import { checkNHWC, convOutputLength, padBefore, pair, type Padding } from './shapes.js';

export interface Conv2DOptions {
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Fused epilogue of the forward passes: act(conv + bias). Ignored by the gradients. */
  bias?: Tensor;
  activation?: ActivationName;
  alpha?: number;
  /** Where to write the result (same shape). */
  out?: Tensor;
  /** Conv2DTranspose only: extra output rows/columns (Keras's output_padding, each < its stride). */
  outputPadding?: number | [number, number];
  /** Conv2D only: the spacing of the kernel's taps (Keras's dilation_rate); default 1; > 1 needs strides 1. */
  dilationRate?: number | [number, number];
}

/**
 * A forward convolution's sizes: x [n,h,w,c] * kernel [kh,kw,c,f] → y [n,oh,ow,f], padding before ph,
 * pw, taps dh, dw apart (dilation; never with a stride > 1).
 */
interface Geometry {
  n: number; h: number; w: number; c: number;
  oh: number; ow: number; f: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

/** The portable kernels' register tile per thread, written out in their shaders: TM rows × TN columns. */
const TM = 4;
const TN = 8;
/** Workgroup width of the portable filter-gradient kernel (its row count is small: kh·kw·⌈C/TM⌉). */
const FILTER_WG = 8;
/** Output pixels below which the filter gradient is not split further, and the workgroups it aims for. */
const MIN_CHUNK = 256;
const TARGET_GROUPS = 256;

interface Run {
  g: Geometry;
  /** Thread groups along the GEMM rows (workgroups for the subgroup input gradient), tiles of columns. */
  groups: number;
  tiles: number;
  chunk: number;
  bias: boolean;
  activation: ActivationName;
  alpha?: number;
}

/** A subgroup kernel's tile (lib/conv2d_subgroups.wgsl): SUBGROUP_TM rows × BW·NB columns, and its vec4 reads. */
interface Tile {
  bw: number;
  nb: number;
  /** Whether the lane-varying operand (A) and the broadcast one (B) can be read as vec4s. */
  vecA: boolean;
  vecB: boolean;
}

/** Subgroup kernels: rows per lane (lib/conv2d_subgroups.wgsl's TM; 4 channels of one tap for the filter gradient), and workgroup width. */
const SUBGROUP_TM = 4;
const SUBGROUP_WG = 8;

const convUniforms = ({ g, groups, chunk }: Run) => ({ ...g, groups, chunk });
const epilogue = (p: Run) => ({ HAS_BIAS: Number(p.bias), ...activationConstants(p.activation, p.alpha) });
/** The subgroup kernels' tile, and whether their taps are dilated (lib/conv2d.wgsl's DILATED). */
const tileConstants = (t: Tile, g: Geometry) => ({ BW: t.bw, NB: t.nb, WG: SUBGROUP_WG, DILATED: Number(g.dh > 1 || g.dw > 1) });

const forwardKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_forward,
  workgroups: (p: Run) => [...grid1d(p.groups, 64), p.tiles],
  uniforms: convUniforms,
  constants: epilogue,
});

const forwardSubgroupKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_forward_subgroups,
  workgroups: (p: Run & Tile) => [...grid1d(p.groups, SUBGROUP_WG), p.tiles],
  uniforms: convUniforms,
  constants: (p: Run & Tile) => ({ ...tileConstants(p, p.g), VEC_X: Number(p.vecA), VEC_W: Number(p.vecB), ...specialised(p.g), ...epilogue(p) }),
});

/**
 * When the subgroup forward kernel is compiled for a geometry's window and channel count: at most
 * this many taps × channel blocks of 4 (a first layer on RGB or grey images), and at least this many
 * output pixels, for the compile of the unrolled pipeline (~0.7 s on lavapipe) to pay off.
 */
const MAX_UNROLLED_STEPS = 9;
const MIN_SPECIALISED_PIXELS = 4096;

/** The subgroup forward kernel's KH, KW and IN_C: the geometry's, where it pays (see above); zeros, read from the uniforms, otherwise. */
function specialised(g: Geometry): { KH: number; KW: number; IN_C: number } {
  const pays = g.kh * g.kw * Math.ceil(g.c / 4) <= MAX_UNROLLED_STEPS && g.n * g.oh * g.ow >= MIN_SPECIALISED_PIXELS;
  return pays ? { KH: g.kh, KW: g.kw, IN_C: g.c } : { KH: 0, KW: 0, IN_C: 0 };
}

const backwardInputKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_backward_input,
  workgroups: (p: Run) => [...grid1d(p.groups, 64), p.tiles],
  uniforms: convUniforms,
  constants: epilogue,
});

const backwardInputSubgroupKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_backward_input_subgroups,
  workgroups: (p: Run & Tile) => [...grid1d(p.groups, 1), p.tiles],
  uniforms: convUniforms,
  // Both operands run along f: one condition.
  constants: (p: Run & Tile) => ({ ...tileConstants(p, p.g), VEC: Number(p.vecA), IN_F: p.g.f < 4 ? p.g.f : 0, ...epilogue(p) }),
});

const backwardFilterKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_backward_filter,
  workgroups: (p: Run & { splits: number }) => [Math.ceil(p.groups / FILTER_WG), p.tiles, p.splits],
  uniforms: convUniforms,
  constants: () => ({ WG: FILTER_WG }),
});

const backwardFilterSubgroupKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_backward_filter_subgroups,
  workgroups: (p: Run & Tile & { splits: number; biasGrad: boolean }) => [Math.ceil(p.groups / SUBGROUP_WG), p.tiles, p.splits],
  uniforms: (p: Run & Tile & { splits: number; biasGrad: boolean }) => convUniforms(p),
  constants: (p: Run & Tile & { biasGrad: boolean }) => ({ ...tileConstants(p, p.g), VEC_X: Number(p.vecA), VEC_DY: Number(p.vecB), BIAS: Number(p.biasGrad), IN_C: p.g.c < 4 ? p.g.c : 0 }),
});

const reduceKernel = /* @__PURE__ */ defineKernel({
  shader: conv2d_backward_filter_reduce,
  workgroups: (p: { n: number; splits: number; biasN: number }) => grid1d(p.n + p.biasN, 64),
  uniforms: (p) => ({ n: p.n, splits: p.splits, bias_n: p.biasN }),
});

/** Lanes that share one broadcast in the subgroup kernels (src/tuning.ts runs them on 8-lane subgroups). */
const SUBGROUP_LANES = 8;

/** Whether the subgroup kernels run: the adapter's choice, and their vec4 views need operands of at least 4 elements. */
function useSubgroups(...operands: Tensor[]): boolean {
  return convKernels() === 'subgroup' && operands.every((t) => t.size >= 4);
}

/** A subgroup tile for `columns` GEMM columns: 16 wide (MAX_TN, the unrolled case) unless fewer columns need less. */
function tile(columns: number, vecA: boolean, vecB: boolean): Tile {
  const tn = columns <= 4 ? 4 : columns <= 8 ? 8 : 16;
  const bw = Math.min(SUBGROUP_LANES, tn);
  return { bw, nb: tn / bw, vecA, vecB };
}

function checkKernel(op: string, kernelShape: Shape): void {
  if (kernelShape.length !== 4 || kernelShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`${op}: expected a non-empty 4-D kernel, got ${formatShape(kernelShape)}`);
  }
}

/** The convolution x [N,H,W,C] * kernel [kh,kw,C,F], checked, in the op's name. */
function geometry(op: string, xShape: Shape, kernelShape: Shape, options: Conv2DOptions): Geometry {
  checkNHWC(xShape, op);
  checkKernel(op, kernelShape);
  const [n, h, w, c] = xShape;
  const [kh, kw, kc, f] = kernelShape;
  if (kc !== c) throw new Error(`${op}: input ${formatShape(xShape)} has ${c} channels but kernel ${formatShape(kernelShape)} expects ${kc}`);
  const [sh, sw] = pair(options.strides ?? 1, `${op}: strides`);
  const [dh, dw] = dilation(op, options, [sh, sw]);
  const padding = options.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw new Error(`${op}: padding must be 'same' or 'valid', got ${JSON.stringify(padding)}`);
  // The window a dilated kernel spans: its taps and the gaps between them.
  const [spanH, spanW] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  if (padding === 'valid' && (spanH > h || spanW > w)) {
    const dilated = dh > 1 || dw > 1 ? ` (dilated by ${formatShape([dh, dw])}: ${formatShape([spanH, spanW])})` : '';
    throw new Error(`${op}: kernel ${formatShape(kernelShape)}${dilated} is larger than the input ${formatShape(xShape)} with 'valid' padding`);
  }
  return {
    n, h, w, c, f, kh, kw, sh, sw, dh, dw,
    oh: convOutputLength(h, spanH, sh, padding),
    ow: convOutputLength(w, spanW, sw, padding),
    ph: padBefore(h, spanH, sh, padding),
    pw: padBefore(w, spanW, sw, padding),
  };
}

/** The dilation rate, checked: positive integers, and 1 wherever a stride is above 1 (Keras's and TF's rule). */
export function dilation(op: string, options: Conv2DOptions, strides: readonly number[]): [number, number] {
  const d = pair(options.dilationRate ?? 1, `${op}: dilationRate`);
  if (d.some((v) => v > 1) && strides.some((s) => s > 1)) {
    throw new Error(`${op}: dilationRate ${JSON.stringify(options.dilationRate)} cannot be combined with strides ${JSON.stringify(options.strides)} > 1 (Keras's rule)`);
  }
  return d;
}

/**
 * Conv2DTranspose x [N,H,W,C] with kernel [kh,kw,F,C] → [N,OH,OW,F], as the convolution it inverts:
 * [N,OH,OW,F] * [kh,kw,F,C] → [N,H,W,C].
 */
function transposeGeometry(op: string, xShape: Shape, kernelShape: Shape, options: Conv2DOptions): Geometry {
  if (options.dilationRate !== undefined && pair(options.dilationRate, `${op}: dilationRate`).some((d) => d > 1)) {
    throw new Error(`${op}: dilationRate ${JSON.stringify(options.dilationRate)} is not supported (only conv2d's)`);
  }
  checkNHWC(xShape, op);
  checkKernel(op, kernelShape);
  const [n, h, w, c] = xShape;
  const [kh, kw, f, kc] = kernelShape;
  if (kc !== c) throw new Error(`${op}: input ${formatShape(xShape)} has ${c} channels but kernel ${formatShape(kernelShape)} expects ${kc}`);
  const [sh, sw] = pair(options.strides ?? 1, `${op}: strides`);
  const same = (options.padding ?? 'valid') === 'same';
  if (options.outputPadding === undefined) {
    const oh = same ? h * sh : h * sh + Math.max(kh - sh, 0);
    const ow = same ? w * sw : w * sw + Math.max(kw - sw, 0);
    // That convolution's output is [N,H,W,C] again (OH = H·s (+ max(kh − s, 0) for 'valid') maps back to H).
    return geometry(op, [n, oh, ow, f], kernelShape, options);
  }
  // Keras's deconv_output_length with output_padding: (H − 1)·s + k − 2·pad + output_padding, pad
  // ⌊k/2⌋ for 'same'; the convolution of that size must give H back (TF's conv2d_transpose rule).
  const [ph, pw] = outputPadding(op, options.outputPadding, [sh, sw]);
  const oh = (h - 1) * sh + kh - 2 * (same ? Math.floor(kh / 2) : 0) + ph;
  const ow = (w - 1) * sw + kw - 2 * (same ? Math.floor(kw / 2) : 0) + pw;
  const g = oh > 0 && ow > 0 ? geometry(op, [n, oh, ow, f], kernelShape, options) : null;
  if (!g || g.oh !== h || g.ow !== w) {
    throw new Error(`${op}: outputPadding ${JSON.stringify(options.outputPadding)} with kernel ${formatShape([kh, kw])}, strides ${formatShape([sh, sw])} and '${same ? 'same' : 'valid'}' padding gives an output ${formatShape([oh, ow])} whose convolution is not the input ${formatShape([h, w])}`);
  }
  return g;
}

/** Keras's rule: each output padding is a non-negative integer below its stride. */
export function outputPadding(op: string, value: number | readonly number[], strides: readonly number[]): [number, number] {
  const p = (typeof value === 'number' ? [value, value] : Array.isArray(value) ? [...value] : []) as number[];
  if (p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`${op}: outputPadding must be a non-negative integer or a pair of them, got ${JSON.stringify(value) ?? String(value)}`);
  p.forEach((v, i) => {
    if (v >= strides[i]) throw new Error(`${op}: outputPadding ${JSON.stringify(value)} must be smaller than the strides ${JSON.stringify(strides)} (Keras's rule), got ${v} ≥ ${strides[i]}`);
  });
  return p as [number, number];
}

const inputShape = (g: Geometry): Shape => [g.n, g.h, g.w, g.c];
const outputShape = (g: Geometry): Shape => [g.n, g.oh, g.ow, g.f];

export function conv2dOutputShape(xShape: Shape, kernelShape: Shape, options: Conv2DOptions): Shape {
  return outputShape(geometry('conv2d', xShape, kernelShape, options));
}

export function conv2dTransposeOutputShape(xShape: Shape, kernelShape: Shape, options: Conv2DOptions): Shape {
  return inputShape(transposeGeometry('conv2dTranspose', xShape, kernelShape, options));
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShape(op: string, what: string, t: Tensor, expected: Shape): void {
  if (!sameShape(t.shape, expected)) throw new Error(`${op}: ${what} has shape ${formatShape(t.shape)}, expected ${formatShape(expected)}`);
}

/** The result tensor: options.out (checked) or a new one. */
function output(op: string, shape: Shape, options: Conv2DOptions): Tensor {
  if (!options.out) return empty(shape);
  checkShape(op, 'out', options.out, shape);
  return options.out;
}

/** The bias + activation epilogue of a forward pass; gradients run without one. */
function epilogueRun(op: string, channels: number, options: Conv2DOptions, forward: boolean): Pick<Run, 'bias' | 'activation' | 'alpha'> {
  if (!forward) return { bias: false, activation: 'linear' };
  if (options.bias) checkShape(op, 'bias', options.bias, [channels]);
  return { bias: options.bias !== undefined, activation: options.activation ?? 'linear', alpha: options.alpha };
}

/** The bias binding: the bias when the epilogue adds one, else any buffer (never read). */
const biasBuffer = (kernel: Tensor, options: Conv2DOptions, forward: boolean) => (forward && options.bias ? options.bias : kernel).buffer;

/** y = act(conv(x) + bias): rows N·OH·OW, columns F. */
function runForward(op: string, x: Tensor, kernel: Tensor, g: Geometry, options: Conv2DOptions, forward: boolean): Tensor {
  const y = output(op, outputShape(g), options);
  const rows = g.n * g.oh * g.ow;
  const buffers = [x.buffer, kernel.buffer, biasBuffer(kernel, options, forward), y.buffer] as const;
  const fused = epilogueRun(op, g.f, options, forward);
  if (useSubgroups(x, kernel)) {
    const t = tile(g.f, g.c % 4 === 0, g.f % 4 === 0);
    const tn = t.bw * t.nb;
    forwardSubgroupKernel.run([...buffers, x.buffer, kernel.buffer], { g, groups: Math.ceil(rows / SUBGROUP_TM), tiles: Math.ceil(g.f / tn), chunk: 0, ...fused, ...t });
  } else {
    forwardKernel.run(buffers, { g, groups: Math.ceil(rows / TM), tiles: Math.ceil(g.f / TN), chunk: 0, ...fused });
  }
  return y;
}

/** dx = act(convᵀ(dy) + bias): rows N·H·W (by stride phase), columns C. */
function runBackwardInput(op: string, dy: Tensor, kernel: Tensor, g: Geometry, options: Conv2DOptions, forward: boolean): Tensor {
  const dx = output(op, inputShape(g), options);
  const buffers = [dy.buffer, kernel.buffer, biasBuffer(kernel, options, forward), dx.buffer] as const;
  const fused = epilogueRun(op, g.c, options, forward);
  if (useSubgroups(dy, kernel)) {
    const t = tile(g.c, g.f % 4 === 0, g.f % 4 === 0);
    const tn = t.bw * t.nb;
    const phasePixels = Math.ceil(g.h / g.sh) * Math.ceil(g.w / g.sw);
    const groups = g.n * g.sh * g.sw * Math.ceil(phasePixels / (SUBGROUP_WG * SUBGROUP_TM));
    backwardInputSubgroupKernel.run([...buffers, dy.buffer, kernel.buffer], { g, groups, tiles: Math.ceil(g.c / tn), chunk: 0, ...fused, ...t });
  } else {
    const groups = g.n * g.h * g.sw * Math.ceil(Math.ceil(g.w / g.sw) / TM);
    backwardInputKernel.run(buffers, { g, groups, tiles: Math.ceil(g.c / TN), chunk: 0, ...fused });
  }
  return dx;
}

/** Output pixels per split of the filter gradient: enough splits to fill the adapter, chunks a multiple of 4. */
function chunkSize(pixels: number, workgroupsPerSplit: number): number {
  const splits = Math.max(1, Math.min(Math.ceil(pixels / MIN_CHUNK), Math.ceil(TARGET_GROUPS / workgroupsPerSplit)));
  return Math.ceil(pixels / splits / 4) * 4;
}

/**
 * dkernel = patches(x)ᵀ · dy, split over the output pixels when there are many, then summed; with
 * `db`, also db = Σ dy over the pixels (the bias gradient), which the subgroup kernel sums from the
 * dy values it reads anyway (the portable one leaves it to biasGrad).
 */
function runBackwardFilter(op: string, x: Tensor, dy: Tensor, g: Geometry, options: Conv2DOptions, db?: Tensor): Tensor {
  const dk = output(op, [g.kh, g.kw, g.c, g.f], options);
  const pixels = g.n * g.oh * g.ow;
  const t = useSubgroups(x, dy) ? tile(g.f, g.c % 4 === 0, g.f % 4 === 0) : null;
  const rows = t ? SUBGROUP_TM : TM;
  const groupWidth = t ? SUBGROUP_WG : FILTER_WG;
  const groups = g.kh * g.kw * Math.ceil(g.c / rows);
  const tiles = Math.ceil(g.f / (t ? t.bw * t.nb : TN));
  const chunk = chunkSize(pixels, Math.ceil(groups / groupWidth) * tiles);
  const run = { g, groups, tiles, chunk, splits: Math.ceil(pixels / chunk), bias: false, activation: 'linear' as const };
  const split = run.splits > 1;
  const parts = split ? empty([run.splits, dk.size]) : dk;
  // The subgroup kernel's bias sums: into db, or per split for the reduction. Without db its binding
  // still needs a buffer of its own (writable, unaliased), never written.
  const fusedBias = t !== null && db !== undefined;
  const biasParts = fusedBias && !split ? db : empty([fusedBias ? run.splits * g.f : 1]);
  if (t) backwardFilterSubgroupKernel.run([x.buffer, dy.buffer, parts.buffer, x.buffer, dy.buffer, biasParts.buffer], { ...run, ...t, biasGrad: fusedBias });
  else backwardFilterKernel.run([x.buffer, dy.buffer, parts.buffer], run);
  if (split) {
    // One dispatch sums both: the kernel's parts, then (fused) the bias's; without them the bias
    // bindings get stand-ins never touched (parts again to read, the unaliased scratch to write).
    const [biasIn, biasOut] = fusedBias ? [biasParts, db] : [parts, biasParts];
    reduceKernel.run([parts.buffer, dk.buffer, biasIn.buffer, biasOut.buffer], { n: dk.size, splits: run.splits, biasN: fusedBias ? g.f : 0 });
    // Later kernels that reuse these pooled buffers are encoded after the reduction.
    parts.dispose();
  }
  if (biasParts !== db) biasParts.dispose();
  if (db && !fusedBias) {
    const rowsOfDy = dy.reshape([pixels, g.f]);
    biasGrad(rowsOfDy, db);
    rowsOfDy.dispose();
  }
  return dk;
}

export function conv2d(x: Tensor, kernel: Tensor, options: Conv2DOptions = {}): Tensor {
  return runForward('conv2d', x, kernel, geometry('conv2d', x.shape, kernel.shape, options), options, true);
}

/** dL/dx of conv2d from dL/dy. */
export function conv2dBackwardInput(dy: Tensor, kernel: Tensor, xShape: Shape, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2dBackwardInput';
  const g = geometry(op, xShape, kernel.shape, options);
  checkShape(op, 'dy', dy, outputShape(g));
  return runBackwardInput(op, dy, kernel, g, options, false);
}

/** dL/dkernel of conv2d from dL/dy, in Keras's [kh,kw,C,F] layout. */
export function conv2dBackwardFilter(x: Tensor, dy: Tensor, kernelShape: Shape, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2dBackwardFilter';
  const g = geometry(op, x.shape, kernelShape, options);
  checkShape(op, 'dy', dy, outputShape(g));
  return runBackwardFilter(op, x, dy, g, options);
}

/** dL/dkernel (as conv2dBackwardFilter) and dL/dbias [F] of conv2d from dL/dy, in one pass over dy where the adapter allows. */
export function conv2dBackwardFilterAndBias(x: Tensor, dy: Tensor, kernelShape: Shape, options: Conv2DOptions = {}): { dk: Tensor; db: Tensor } {
  const op = 'conv2dBackwardFilterAndBias';
  const g = geometry(op, x.shape, kernelShape, options);
  checkShape(op, 'dy', dy, outputShape(g));
  const db = empty([g.f]);
  return { dk: runBackwardFilter(op, x, dy, g, options, db), db };
}

export function conv2dTranspose(x: Tensor, kernel: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2dTranspose';
  return runBackwardInput(op, x, kernel, transposeGeometry(op, x.shape, kernel.shape, options), options, true);
}

/** dL/dx of conv2dTranspose from dL/dy: the forward convolution of dy. */
export function conv2dTransposeBackwardInput(dy: Tensor, kernel: Tensor, xShape: Shape, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2dTransposeBackwardInput';
  const g = transposeGeometry(op, xShape, kernel.shape, options);
  checkShape(op, 'dy', dy, inputShape(g));
  return runForward(op, dy, kernel, g, options, false);
}

/** dL/dkernel of conv2dTranspose from dL/dy, in Keras's [kh,kw,F,C] layout. */
export function conv2dTransposeBackwardFilter(x: Tensor, dy: Tensor, kernelShape: Shape, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2dTransposeBackwardFilter';
  const g = transposeGeometry(op, x.shape, kernelShape, options);
  checkShape(op, 'dy', dy, inputShape(g));
  return runBackwardFilter(op, dy, x, g, options);
}
