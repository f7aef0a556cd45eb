// Matrix products, the GEMM under Dense (and the 1×1 convolutions): C = op(A)·op(B) with optional
// transposes, a fused bias + activation epilogue, or accumulation into C for gradient sums.
// Which kernel runs is decided in src/tuning.ts; every kernel computes the same thing.
import { defineKernel, grid1d } from '../runner.js';
import { bias_backward } from '../generated/bias_backward.js';
import { matmul_forward } from '../generated/matmul_forward.js';
import { matmul_subgroup_forward } from '../generated/matmul_subgroup_forward.js';
import { matmul_tiled_forward } from '../generated/matmul_tiled_forward.js';
import { matmul_update, type MatmulUpdateUniforms } from '../generated/matmul_update.js';
import { empty, formatShape, Tensor } from '../tensor.js';
import { matmulPlan, type MatmulShape } from '../tuning.js';
import { activationConstants, type ActivationName } from './activation.js';

export interface MatmulOptions {
  /** a is [K, M] instead of [M, K]. */
  transposeA?: boolean;
  /** b is [N, K] instead of [K, N]. */
  transposeB?: boolean;
  /** [N], added in the epilogue. */
  bias?: Tensor;
  /** Fused epilogue activation (shaders/lib/activation.wgsl). */
  activation?: ActivationName;
  alpha?: number;
  /** [M, N] to write into (else a new pooled tensor). */
  out?: Tensor;
  /** out += result (no bias/activation then), for summing gradients. */
  accumulate?: boolean;
}

interface Gemm {
  rows: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  hasBias: boolean;
  accumulate: boolean;
  activation: ActivationName;
  alpha?: number;
}

function gemmConstants(p: Gemm): Record<string, number> {
  return {
    TRANSPOSE_A: Number(p.transposeA),
    TRANSPOSE_B: Number(p.transposeB),
    HAS_BIAS: Number(p.hasBias),
    ACCUMULATE: Number(p.accumulate),
    ...activationConstants(p.activation, p.alpha),
  };
}

const subgroupKernel = /* @__PURE__ */ defineKernel({
  shader: matmul_subgroup_forward,
  // 8 lanes per workgroup, 4 columns per lane.
  workgroups: (p: Gemm) => [Math.ceil(p.n / 32), Math.ceil(p.m / p.rows)],
  uniforms: ({ m, n, k }) => ({ m, n, k }),
  constants: (p) => ({ ...gemmConstants(p), ROWS: p.rows }),
});

const tiledKernel = /* @__PURE__ */ defineKernel({
  shader: matmul_tiled_forward,
  // 16×16 invocations per workgroup, 4×4 elements per invocation.
  workgroups: (p: Gemm) => [Math.ceil(p.n / 64), Math.ceil(p.m / 64)],
  uniforms: ({ m, n, k }) => ({ m, n, k }),
  constants: gemmConstants,
});

const registerKernel = /* @__PURE__ */ defineKernel({
  shader: matmul_forward,
  // 32 invocations per workgroup along N, 8×8 elements per invocation; row blocks folded into z.
  workgroups: (p: Gemm) => {
    const [rowBlocks, folds] = grid1d(Math.ceil(p.m / 8), 1);
    return [Math.ceil(p.n / 256), rowBlocks, folds];
  },
  uniforms: ({ m, n, k }) => ({ m, n, k }),
  constants: gemmConstants,
});

const KERNELS = { subgroup: subgroupKernel, tiled: tiledKernel, register: registerKernel };

function describe(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): string {
  return `a ${formatShape(a.shape)}${transposeA ? ' (transposed)' : ''} × b ${formatShape(b.shape)}${transposeB ? ' (transposed)' : ''}`;
}

/** C = op(a)·op(b) for row-major 2-D float32 tensors, with an optional fused bias and activation. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false, bias, activation = 'linear', alpha, out, accumulate = false } = options;
  const what = describe(a, b, transposeA, transposeB);
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`matmul: needs 2-D tensors, got ${what}`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`matmul: needs float32 tensors, got ${a.dtype} and ${b.dtype} (${what})`);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const [kb, n] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== kb) throw new Error(`matmul: inner dimensions differ (${k} vs ${kb}) in ${what}`);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n || bias.dtype !== 'float32')) {
    throw new Error(`matmul: bias must be float32 [${n}], got ${bias.dtype} ${formatShape(bias.shape)} for ${what}`);
  }
  if (accumulate && (bias || activation !== 'linear')) throw new Error(`matmul: accumulate adds the bare product; bias and activation are not applied with it (${what})`);
  if (accumulate && !out) throw new Error(`matmul: accumulate needs out, the [${m},${n}] tensor to add to (${what})`);
  if (out && (out.shape.length !== 2 || out.shape[0] !== m || out.shape[1] !== n || out.dtype !== 'float32')) {
    throw new Error(`matmul: out must be float32 [${m},${n}], got ${out.dtype} ${formatShape(out.shape)} for ${what}`);
  }
  if (out && (out.buffer === a.buffer || out.buffer === b.buffer || out.buffer === bias?.buffer)) {
    throw new Error(`matmul: out must not share a buffer with an input (${what})`);
  }
  const c = out ?? empty([m, n]);
  const { kernel, rows } = matmulPlan({ m, n, k, transposeA, transposeB });
  const p: Gemm = { rows, m, n, k, transposeA, transposeB, hasBias: bias !== undefined, accumulate, activation, alpha };
  // Without a bias the binding still needs a buffer; b's is never read then.
  KERNELS[kernel].run([a.buffer, b.buffer, (bias ?? b).buffer, c.buffer], p);
  return c;
}

/**
 * An optimizer's update of one weight W, for the GEMM that computes W's gradient to apply in its
 * epilogue (shaders/matmul_update.wgsl): made by src/optimizers.ts for a training step.
 */
export interface FusedUpdate {
  value: Tensor;
  /** RULE, SLOTS and the rule's, clipping's and decay's override constants. */
  constants: Record<string, number>;
  /** The rule's settings and clipValue, weightDecay (the kernel's uniform fields; the others 0). */
  settings: Partial<Omit<MatmulUpdateUniforms, 'm' | 'n' | 'k' | 'stride'>>;
  /** The rule's slots [SLOTS, ≥ W's size] (made on first use), or null without slots. */
  slots(): Tensor | null;
  /** Adam's (β1^t, β2^t), or null. */
  powers: Tensor | null;
  /** hyper[0] is this step's rate. */
  hyper: Tensor;
  /** Set when a GEMM has encoded the update. */
  applied: boolean;
}

const RULE_FIELDS = { clipValue: 0, weightDecay: 0, beta1: 0, oneMinusBeta1: 0, beta2: 0, oneMinusBeta2: 0, epsilon: 0, rho: 0, oneMinusRho: 0, momentum: 0 };

const updateKernel = /* @__PURE__ */ defineKernel({
  shader: matmul_update,
  workgroups: (p: { gemm: Gemm; update: FusedUpdate }) => [Math.ceil(p.gemm.n / 32), Math.ceil(p.gemm.m / p.gemm.rows)],
  uniforms: ({ gemm: { m, n, k }, update }) => ({ ...RULE_FIELDS, ...update.settings, m, n, k, stride: Math.ceil(update.value.size / 4) }),
  constants: ({ gemm, update }) => ({ TRANSPOSE_A: Number(gemm.transposeA), TRANSPOSE_B: Number(gemm.transposeB), ROWS: gemm.rows, ...update.constants }),
});

/** Whether this adapter's GEMM can apply an update in its epilogue for a product of this shape (lavapipe's subgroup kernel can). */
export function canFuseUpdate(shape: MatmulShape): boolean {
  return matmulPlan(shape).kernel === 'subgroup';
}

/**
 * W ← W updated by the optimizer with gradient op(a)·op(b), the gradient never stored: returns
 * false, encoding nothing, where the adapter's GEMM cannot do that (canFuseUpdate); the caller then
 * computes the gradient with matmul().
 */
export function matmulUpdate(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean }, update: FusedUpdate): boolean {
  const { transposeA = false, transposeB = false } = options;
  const what = describe(a, b, transposeA, transposeB);
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`matmulUpdate: needs 2-D tensors, got ${what}`);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const [kb, n] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== kb || update.value.size !== m * n) throw new Error(`matmulUpdate: ${what} does not give the weight's ${formatShape(update.value.shape)}`);
  const shape = { m, n, k, transposeA, transposeB };
  if (!canFuseUpdate(shape)) return false;
  const slots = update.slots();
  // Bindings without a use in this rule still need buffers: a scratch one for the slots (written,
  // so not one bound elsewhere in the dispatch), `hyper` for the powers.
  const scratch = slots ? null : empty([4]);
  updateKernel.run([a.buffer, b.buffer, update.value.buffer, (slots ?? scratch)!.buffer, (update.powers ?? update.hyper).buffer, update.hyper.buffer], {
    gemm: { ...shape, rows: matmulPlan(shape).rows, hasBias: false, accumulate: false, activation: 'linear' },
    update,
  });
  // Back to the pool: whatever reuses it is encoded after this dispatch.
  scratch?.dispose();
  update.applied = true;
  return true;
}

/** Rows one invocation sums before partial sums are combined by a second pass. */
const BIAS_ROWS_PER_CHUNK = 256;

const biasKernel = /* @__PURE__ */ defineKernel({
  shader: bias_backward,
  workgroups: (p: { m: number; n: number; chunks: number; rowsPerChunk: number }) => [Math.ceil(p.n / 64), p.chunks],
  uniforms: ({ m, n, rowsPerChunk }) => ({ m, n, rows_per_chunk: rowsPerChunk }),
});

/** Column sums Σ_rows dy of dy [M, N]: the bias gradient of a dense layer. */
export function biasGrad(dy: Tensor, out?: Tensor): Tensor {
  if (dy.shape.length !== 2 || dy.dtype !== 'float32') throw new Error(`biasGrad: needs a float32 [M, N] tensor, got ${dy.dtype} ${formatShape(dy.shape)}`);
  const [m, n] = dy.shape;
  if (out && (out.shape.length !== 1 || out.shape[0] !== n || out.dtype !== 'float32')) throw new Error(`biasGrad: out must be float32 [${n}], got ${out.dtype} ${formatShape(out.shape)}`);
  const db = out ?? empty([n]);
  if (m <= BIAS_ROWS_PER_CHUNK) {
    biasKernel.run([dy.buffer, db.buffer], { m, n, chunks: 1, rowsPerChunk: Math.max(m, 1) });
    return db;
  }
  // Long columns: partial sums over chunks of rows first (parallel, and more accurate than one long
  // running sum), then the sum of the partials.
  const chunks = Math.ceil(m / BIAS_ROWS_PER_CHUNK);
  const partials = empty([chunks, n]);
  biasKernel.run([dy.buffer, partials.buffer], { m, n, chunks, rowsPerChunk: BIAS_ROWS_PER_CHUNK });
  biasGrad(partials, db);
  partials.dispose();
  return db;
}
