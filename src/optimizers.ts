// Optimizers: Keras's defaults, TensorFlow.js's update rules (the reference the model tests compare
// against), one fused kernel per parameter tensor (value, gradient and slots in one pass). apply()
// only encodes work: no readback, no await. Slots are created on first use, keyed by the value
// tensor, and stacked into one tensor per parameter ([slots, n]) so every kernel binds one buffer.
//
// What Keras's optimizer base class adds, in its order (clip, decay, update), is fused into the
// same kernels (shaders/lib/optimizer_step.wgsl): clipNorm / globalClipNorm (norms summed on the
// GPU: grad_sumsq + clip_scale, two dispatches per step beyond the updates, no readback), clipValue,
// and decoupled weightDecay (optimizers.adamw). The learning rate (a number, settable at any time,
// or a schedule of the step) lives in a small GPU buffer, `hyper`, written with queue.writeBuffer
// when it changes, so the uniform blocks and pipelines stay the same every step.
import { context } from './device.js';
import { defineKernel, flush, grid1d, submissions, type Kernel, type KernelDef, type Shader } from './runner.js';
import { adadelta_update } from './generated/adadelta_update.js';
import { adagrad_update } from './generated/adagrad_update.js';
import { adam_powers_update } from './generated/adam_powers_update.js';
import { adam_update } from './generated/adam_update.js';
import { clip_scale_forward } from './generated/clip_scale_forward.js';
import { grad_sumsq_forward } from './generated/grad_sumsq_forward.js';
import { rmsprop_update } from './generated/rmsprop_update.js';
import { sgd_momentum_update } from './generated/sgd_momentum_update.js';
import { sgd_update } from './generated/sgd_update.js';
import { empty, formatShape, tensor, write, type Tensor } from './tensor.js';
import { fill } from './ops/fill.js';
import type { FusedUpdate } from './ops/matmul.js';
import { formatValue, type LearningRateSchedule } from './schedules.js';

export interface Param {
  value: Tensor;
  grad: Tensor;
}

export interface Optimizer {
  readonly name: string;
  /** The settings, the learning rate as its value at the current step. */
  readonly config: Record<string, number | boolean>;
  /** Updates applied so far (Keras's optimizer.iterations); a schedule is called with it. */
  iterations: number;
  /** A rate ≥ 0 or a schedule; settable at any time, takes effect at the next step. */
  learningRate: number | LearningRateSchedule;
  /**
   * Optional: starts a step whose updates of these weights may be applied by the GEMMs that compute
   * their gradients (src/ops/matmul.ts matmulUpdate), the gradient never stored. Per weight, the
   * update to hand such a GEMM, or null where it must go through apply(). apply() then finishes
   * the step with the gradients of the weights that were not updated that way.
   */
  beginStep?(values: readonly Tensor[]): (FusedUpdate | null)[];
  /** Encodes one update step for all params (after beginStep, for those not updated already). */
  apply(params: Param[]): void;
  /** Frees the slot tensors. */
  dispose(): void;
}

/** What every optimizer takes besides its rule's settings (Keras's optimizer base class). */
export interface OptimizerOptions {
  learningRate?: number | LearningRateSchedule;
  /** Each weight's gradient scaled to an L2 norm of at most this (Keras's clipnorm). */
  clipNorm?: number;
  /** Gradients clamped elementwise to ±clipValue (Keras's clipvalue). */
  clipValue?: number;
  /** All gradients scaled together to a global L2 norm of at most this (Keras's global_clipnorm). */
  globalClipNorm?: number;
  /** Decoupled weight decay: w ← w − lr·weightDecay·w before the update (Keras's weight_decay). */
  weightDecay?: number;
}

import type { OptimizerName } from './optimizer_names.js';

export type { OptimizerName };

/** What every update kernel's skeleton (lib/update.wgsl) reads: the count of vec4s, where its clip scale is, the shared settings. */
interface Step {
  n: number;
  scaleIndex: number;
  shared: SharedSettings;
}

/** One update: the skeleton's part, and the rule's own uniform fields by name (its shader's Params less the shared ones). */
interface Update<R> extends Step {
  rule: R;
  constants?: Record<string, number>;
}

interface SharedSettings {
  clipValue: number;
  weightDecay: number;
  constants: { CLIP_NORM: number; CLIP_VALUE: number; DECAY: number };
}

/** The uniform fields lib/update.wgsl and lib/optimizer_step.wgsl read in every update kernel. */
type StepFields = { n: number; scaleIndex: number; clipValue: number; weightDecay: number };

function updateKernel<U extends StepFields, S extends readonly string[]>(shader: Shader<U, S>): Kernel<Update<Omit<U, keyof StepFields>>, S> {
  const def = {
    shader,
    workgroups: (p: Update<unknown>) => grid1d(p.n, 64),
    uniforms: (p: Update<object>) => ({ ...p.rule, n: p.n, scaleIndex: p.scaleIndex, clipValue: p.shared.clipValue, weightDecay: p.shared.weightDecay }),
    constants: (p: Update<unknown>) => ({ ...p.constants, ...p.shared.constants }),
  };
  // TypeScript cannot resolve KernelDef's exactness check for a generic U; each rule's fields are
  // checked against its shader's where they are written, in run().
  return defineKernel(def as unknown as KernelDef<Update<Omit<U, keyof StepFields>>, U, S, U>);
}

const kernels = {
  sgd: /* @__PURE__ */ updateKernel(sgd_update),
  momentum: /* @__PURE__ */ updateKernel(sgd_momentum_update),
  adam: /* @__PURE__ */ updateKernel(adam_update),
  adadelta: /* @__PURE__ */ updateKernel(adadelta_update),
  rmsprop: /* @__PURE__ */ updateKernel(rmsprop_update),
  adagrad: /* @__PURE__ */ updateKernel(adagrad_update),
};

const adamPowers = /* @__PURE__ */ defineKernel({
  shader: adam_powers_update,
  workgroups: () => [1],
  uniforms: (p: { beta1: number; beta2: number }) => p,
});

/** Partial sums per gradient in grad_sumsq_forward.wgsl (at most that many workgroups). */
const SUMSQ_SLOTS = 64;
/** vec4s each grad_sumsq thread sums at least: fewer, busier workgroups for small gradients. */
const SUMSQ_PER_THREAD = 8;

const gradSumsq = /* @__PURE__ */ defineKernel({
  shader: grad_sumsq_forward,
  workgroups: (p: { n: number; slot: number }) => [sumsqGroups(p.n)],
  uniforms: ({ n, slot }) => ({ n, slot, groups: sumsqGroups(n), zero: 0 }),
});

function sumsqGroups(vec4Count: number): number {
  return Math.min(SUMSQ_SLOTS, Math.max(1, Math.ceil(vec4Count / (64 * SUMSQ_PER_THREAD))));
}

const clipScale = /* @__PURE__ */ defineKernel({
  shader: clip_scale_forward,
  workgroups: (p: { count: number; clipNorm: number; global: boolean }) => [p.count],
  uniforms: ({ count, clipNorm }) => ({ count, clipNorm, zero: 0 }),
  constants: (p) => ({ GLOBAL: Number(p.global) }),
});

interface Rule {
  name: OptimizerName;
  /** The rule's own settings, validated by the caller (see settings()). */
  config: Record<string, number | boolean>;
  /** Slot tensors per parameter, and the value they start at. */
  slots: number;
  initial?: number;
  /** Encodes the update of one parameter of n vec4s (slots: [slots, 4n] or null); `hyper` holds the rate and clip scales. */
  update(value: Tensor, grad: Tensor, slots: Tensor | null, hyper: Tensor, step: Step): void;
  /** Before the step's updates, idempotent per iteration (Adam's bias-correction powers). */
  beginStep?(iterations: number): void;
  /** The rule as shaders/matmul_update.wgsl applies it (its RULE, settings, constants, Adam's powers). */
  fused: () => { rule: number; settings?: FusedUpdate['settings']; constants?: Record<string, number>; powers?: Tensor | null };
  dispose?(): void;
}

// Off by default: on lavapipe the fused kernel is 5–35% faster than dW GEMM + update kernel
// measured alone (bench/optimizer.mjs, side by side), but in the training step it is not:
// bench/profile.mjs --fusion-ab, steps alternating in one process, load 5–6: deep kernels
// fused/unfused 1.07, 1.36, 1.11, shallow 0.92, 1.41, 0.84 (why alone and in the step differ is not
// yet found). On GPUs (the tiled GEMM) and SwiftShader (the register GEMM) it does not apply yet.
// Turn it on where a measurement says it pays.
let updateFusion = false;

/**
 * Whether training steps may apply updates in the weight-gradient GEMMs (Optimizer.beginStep);
 * off, every update goes through the standalone kernels. For tests and benchmarks that compare
 * both. Returns the previous setting.
 */
export function setUpdateFusion(enabled: boolean): boolean {
  const previous = updateFusion;
  updateFusion = enabled;
  return previous;
}

/** A setting checked against its allowed range; the message names the optimizer, option and value. */
interface Range {
  min?: number;
  /** Whether min itself is allowed (default true). */
  minIncluded?: boolean;
  max?: number;
  maxIncluded?: boolean;
}

function checkSetting(optimizer: string, option: string, value: unknown, range: Range): void {
  const { min, max, minIncluded = true, maxIncluded = true } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minIncluded ? value >= min : value > min)) &&
    (max === undefined || (maxIncluded ? value <= max : value < max));
  if (ok) return;
  const bounds = [min === undefined ? '' : `${minIncluded ? '≥' : '>'} ${min}`, max === undefined ? '' : `${maxIncluded ? '≤' : '<'} ${max}`].filter(Boolean).join(' and ');
  throw new Error(`optimizer ${optimizer}: ${option} must be a finite number${bounds ? ` ${bounds}` : ''}, got ${formatValue(value)}`);
}

function checkFlag(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`optimizer ${optimizer}: ${option} must be true or false, got ${formatValue(value)}`);
}

function checkRate(optimizer: string, rate: unknown): void {
  if (typeof rate === 'function') return;
  checkSetting(optimizer, 'learningRate', rate, { min: 0 });
}

class GpuOptimizer implements Optimizer {
  iterations = 0;
  readonly name: string;
  readonly #rule: Rule;
  readonly #options: Required<Omit<OptimizerOptions, 'learningRate'>>;
  readonly #shared: SharedSettings;
  readonly #slots = new Map<Tensor, Tensor>();
  #learningRate: number | LearningRateSchedule;
  /** [rate, clip scale of parameter 0, 1, …]; see shaders/lib/optimizer_step.wgsl. */
  #hyper: Tensor | null = null;
  #writtenRate = NaN;
  /** submissions() when this optimizer last encoded work that reads `hyper`. */
  #encodedAt = -1;
  /** The updates beginStep() handed out this step. */
  #fused: (FusedUpdate | null)[] = [];
  /** Weights whose update the last step applied in their gradient's GEMM (tests read it). */
  fusedLastStep = 0;

  constructor(rule: Rule, options: OptimizerOptions) {
    const { learningRate = 0.001, weightDecay = 0 } = options;
    checkRate(rule.name, learningRate);
    const clips = (['clipNorm', 'clipValue', 'globalClipNorm'] as const).filter((option) => options[option] !== undefined);
    for (const option of clips) checkSetting(rule.name, option, options[option], { min: 0, minIncluded: false });
    // Keras applies only the first of them (and refuses clipnorm with global_clipnorm): say so instead.
    if (clips.length > 1) throw new Error(`optimizer ${rule.name}: give only one of clipNorm, clipValue and globalClipNorm, got ${clips.map((o) => `${o} ${options[o]}`).join(', ')}`);
    const { clipNorm = 0, clipValue = 0, globalClipNorm = 0 } = options;
    checkSetting(rule.name, 'weightDecay', weightDecay, { min: 0 });
    this.#rule = rule;
    this.name = rule.name;
    this.#learningRate = learningRate;
    this.#options = { clipNorm, clipValue, globalClipNorm, weightDecay };
    this.#shared = {
      clipValue,
      weightDecay,
      constants: { CLIP_NORM: Number(clipNorm > 0 || globalClipNorm > 0), CLIP_VALUE: Number(clipValue > 0), DECAY: Number(weightDecay > 0) },
    };
  }

  get learningRate(): number | LearningRateSchedule {
    return this.#learningRate;
  }

  set learningRate(rate: number | LearningRateSchedule) {
    checkRate(this.name, rate);
    this.#learningRate = rate;
  }

  get config(): Record<string, number | boolean> {
    const extra = Object.fromEntries(Object.entries(this.#options).filter(([, v]) => v !== 0));
    return { learningRate: this.#rateAt(this.iterations), ...this.#rule.config, ...extra };
  }

  /** The rate for step `step`, checked (a schedule may return anything). */
  #rateAt(step: number): number {
    const rate = this.#learningRate;
    if (typeof rate === 'number') return rate;
    const value = rate(step);
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new Error(`optimizer ${this.name}: the learningRate schedule returned ${formatValue(value)} at step ${step}; it must return a finite number ≥ 0`);
    }
    return value;
  }

  apply(params: Param[]): void {
    for (const { value, grad } of params) {
      if (value.size !== grad.size || value.dtype !== 'float32' || grad.dtype !== 'float32') {
        throw new Error(`optimizer ${this.name}: parameter ${formatShape(value.shape)} (${value.dtype}) and its gradient ${formatShape(grad.shape)} (${grad.dtype}) must be float32 of the same size`);
      }
    }
    const hyper = this.#prepareHyper(this.#rateAt(this.iterations), params.length);
    this.#clipByNorm(params, hyper);
    // Done already when beginStep() started this step (the rule's beginStep runs once per iteration).
    this.#rule.beginStep?.(this.iterations);
    params.forEach(({ value, grad }, k) => {
      this.#rule.update(value, grad, this.#slotsOf(value), hyper, { n: vec4s(value), scaleIndex: 1 + k, shared: this.#shared });
    });
    this.#encodedAt = submissions();
    this.fusedLastStep = this.#fused.filter((f) => f?.applied).length;
    this.#fused = [];
    this.iterations++;
  }

  beginStep(values: readonly Tensor[]): (FusedUpdate | null)[] {
    const { clipNorm, globalClipNorm } = this.#options;
    // Clipping by norm scales by the norm of the whole gradient, known only once it is stored.
    const fusable = updateFusion && !(clipNorm > 0 || globalClipNorm > 0);
    // Nothing to hand out: apply() prepares the step as it always does.
    if (!fusable) return values.map(() => null);
    // Sized for every weight, so that apply() (taking a subset) keeps this `hyper` buffer.
    const hyper = this.#prepareHyper(this.#rateAt(this.iterations), values.length);
    this.#rule.beginStep?.(this.iterations);
    this.#encodedAt = submissions();
    const { rule, settings, constants, powers = null } = this.#rule.fused();
    const { clipValue, weightDecay, constants: shared } = this.#shared;
    this.#fused = values.map((value) =>
      value.dtype === 'float32'
        ? {
            value,
            constants: { RULE: rule, SLOTS: this.#rule.slots, ...constants, ...shared, CLIP_NORM: 0 },
            settings: { ...settings, clipValue, weightDecay },
            slots: () => this.#slotsOf(value),
            powers,
            hyper,
            applied: false,
          }
        : null,
    );
    return this.#fused;
  }

  /** The hyper buffer for `count` parameters, holding this step's rate. */
  #prepareHyper(rate: number, count: number): Tensor {
    if (this.#hyper && this.#hyper.size < 1 + count) {
      this.#hyper.dispose();
      this.#hyper = null;
    }
    if (!this.#hyper) {
      // Made once (or when a larger model comes): write() submits pending work first, safely.
      this.#hyper = tensor(new Float32Array(1 + count).fill(1));
      this.#writtenRate = NaN;
    }
    if (Math.fround(rate) !== this.#writtenRate) {
      // The commands still in the shared encoder (this step's forward and backward) do not read
      // `hyper`, unless this optimizer's previous step was not submitted yet.
      if (this.#encodedAt === submissions()) flush();
      context().device.queue.writeBuffer(this.#hyper.buffer, 0, Float32Array.of(rate));
      this.#writtenRate = Math.fround(rate);
    }
    return this.#hyper;
  }

  /** Encodes hyper[1 + k] = c / max(‖g_k‖, c), per weight (clipNorm) or over all (globalClipNorm). */
  #clipByNorm(params: Param[], hyper: Tensor): void {
    const { clipNorm, globalClipNorm } = this.#options;
    if (!(clipNorm > 0 || globalClipNorm > 0) || params.length === 0) return;
    const partials = empty([params.length * SUMSQ_SLOTS]);
    params.forEach(({ grad }, k) => gradSumsq.run([grad.buffer, partials.buffer], { n: vec4s(grad), slot: k * SUMSQ_SLOTS }));
    clipScale.run([partials.buffer, hyper.buffer], { count: params.length, clipNorm: clipNorm || globalClipNorm, global: globalClipNorm > 0 });
    // Back to the pool: a later kernel that reuses it is encoded after these.
    partials.dispose();
  }

  #slotsOf(value: Tensor): Tensor | null {
    const { slots, initial = 0 } = this.#rule;
    if (slots === 0) return null;
    let t = this.#slots.get(value);
    if (!t) {
      // Each slot row is padded to whole vec4s, so every row starts on a 16-byte boundary.
      t = fill(empty([slots, 4 * vec4s(value)]), initial);
      this.#slots.set(value, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of this.#slots.values()) t.dispose();
    this.#slots.clear();
    this.#hyper?.dispose();
    this.#hyper = null;
    this.#rule.dispose?.();
  }
}

function sgd({ learningRate = 0.01, momentum = 0, nesterov = false, ...options }: OptimizerOptions & { momentum?: number; nesterov?: boolean } = {}): Optimizer {
  checkSetting('sgd', 'momentum', momentum, { min: 0, max: 1 });
  checkFlag('sgd', 'nesterov', nesterov);
  return new GpuOptimizer(
    {
      name: 'sgd',
      config: { momentum, nesterov },
      slots: momentum === 0 ? 0 : 1,
      fused: () => (momentum === 0 ? { rule: 0 } : { rule: 1, settings: { momentum }, constants: { NESTEROV: Number(nesterov) } }),
      update(value, grad, slots, hyper, step) {
        if (!slots) return kernels.sgd.run([value.buffer, grad.buffer, hyper.buffer], { ...step, rule: {} });
        kernels.momentum.run([value.buffer, grad.buffer, slots.buffer, hyper.buffer], { ...step, rule: { momentum }, constants: { NESTEROV: Number(nesterov) } });
      },
    },
    { learningRate, ...options },
  );
}

type AdamOptions = OptimizerOptions & { beta1?: number; beta2?: number; epsilon?: number };

function adamRule(name: 'adam' | 'adamw', { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: AdamOptions): Rule {
  checkSetting(name, 'beta1', beta1, { min: 0, max: 1, maxIncluded: false });
  checkSetting(name, 'beta2', beta2, { min: 0, max: 1, maxIncluded: false });
  checkSetting(name, 'epsilon', epsilon, { min: 0 });
  // The step count t enters only as β^t. Uniform buffers are cached by content, so a per-step value
  // there would create a buffer every step; instead (β1^t, β2^t) live in a 2-element GPU tensor that
  // a one-thread kernel advances before each step's updates (TF.js's accBeta1/accBeta2, in float32).
  let powers: Tensor | null = null;
  let poweredAt = 0;
  const powersAt = (t: number) => [Math.fround(beta1) ** t, Math.fround(beta2) ** t];
  const rule = { beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, epsilon };
  return {
    name: name as OptimizerName,
    config: { beta1, beta2, epsilon },
    slots: 2,
    beginStep(iterations) {
      // Once per iteration: the optimizer's beginStep() and apply() both ask.
      if (powers && poweredAt === iterations + 1) return;
      // `iterations` may have been set (a restored checkpoint): restart the powers from it.
      if (!powers) powers = tensor(powersAt(iterations));
      else if (poweredAt !== iterations) write(powers, powersAt(iterations));
      adamPowers.run([powers.buffer], { beta1, beta2 });
      poweredAt = iterations + 1;
    },
    fused: () => ({ rule: 2, settings: rule, powers }),
    update(value, grad, slots, hyper, step) {
      kernels.adam.run([value.buffer, grad.buffer, slots!.buffer, powers!.buffer, hyper.buffer], { ...step, rule });
    },
    dispose() {
      powers?.dispose();
      powers = null;
    },
  };
}

function adam({ learningRate = 0.001, beta1, beta2, epsilon, ...options }: AdamOptions = {}): Optimizer {
  return new GpuOptimizer(adamRule('adam', { beta1, beta2, epsilon }), { learningRate, ...options });
}

/**
 * Adam with decoupled weight decay (Keras's AdamW, default weightDecay 0.004): each step first
 * w ← w − lr·weightDecay·w, then TF.js's Adam update (the same rule and epsilon as adam()).
 */
function adamw({ learningRate = 0.001, weightDecay = 0.004, beta1, beta2, epsilon, ...options }: AdamOptions = {}): Optimizer {
  return new GpuOptimizer(adamRule('adamw', { beta1, beta2, epsilon }), { learningRate, weightDecay, ...options });
}

function adadelta({ learningRate = 0.001, rho = 0.95, epsilon = 1e-7, ...options }: OptimizerOptions & { rho?: number; epsilon?: number } = {}): Optimizer {
  checkSetting('adadelta', 'rho', rho, { min: 0, max: 1 });
  checkSetting('adadelta', 'epsilon', epsilon, { min: 0 });
  const rule = { rho, oneMinusRho: 1 - rho, epsilon };
  return new GpuOptimizer(
    {
      name: 'adadelta',
      config: { rho, epsilon },
      slots: 2,
      fused: () => ({ rule: 3, settings: rule }),
      update(value, grad, slots, hyper, step) {
        kernels.adadelta.run([value.buffer, grad.buffer, slots!.buffer, hyper.buffer], { ...step, rule });
      },
    },
    { learningRate, ...options },
  );
}

function rmsprop({ learningRate = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false, ...options }: OptimizerOptions & { rho?: number; momentum?: number; epsilon?: number; centered?: boolean } = {}): Optimizer {
  checkSetting('rmsprop', 'rho', rho, { min: 0, max: 1 });
  checkSetting('rmsprop', 'momentum', momentum, { min: 0, max: 1 });
  checkSetting('rmsprop', 'epsilon', epsilon, { min: 0 });
  checkFlag('rmsprop', 'centered', centered);
  const constants = { MOMENTUM: Number(momentum !== 0), CENTERED: Number(centered) };
  const rule = { rho, oneMinusRho: 1 - rho, momentum, epsilon };
  return new GpuOptimizer(
    {
      name: 'rmsprop',
      config: { rho, momentum, epsilon, centered },
      slots: 1 + constants.MOMENTUM + constants.CENTERED,
      fused: () => ({ rule: 4, settings: rule, constants }),
      update(value, grad, slots, hyper, step) {
        kernels.rmsprop.run([value.buffer, grad.buffer, slots!.buffer, hyper.buffer], { ...step, rule, constants });
      },
    },
    { learningRate, ...options },
  );
}

function adagrad({ learningRate = 0.001, initialAccumulatorValue = 0.1, epsilon = 1e-7, ...options }: OptimizerOptions & { initialAccumulatorValue?: number; epsilon?: number } = {}): Optimizer {
  checkSetting('adagrad', 'initialAccumulatorValue', initialAccumulatorValue, { min: 0 });
  checkSetting('adagrad', 'epsilon', epsilon, { min: 0 });
  return new GpuOptimizer(
    {
      name: 'adagrad',
      config: { initialAccumulatorValue, epsilon },
      slots: 1,
      initial: initialAccumulatorValue,
      fused: () => ({ rule: 5, settings: { epsilon } }),
      update(value, grad, slots, hyper, step) {
        kernels.adagrad.run([value.buffer, grad.buffer, slots!.buffer, hyper.buffer], { ...step, rule: { epsilon } });
      },
    },
    { learningRate, ...options },
  );
}

/** Four elements per thread: tensor buffers are whole 16-byte multiples (see tensor.ts). */
function vec4s(t: Tensor): number {
  return Math.ceil(t.size / 4);
}

export const optimizers = { sgd, adam, adamw, adadelta, rmsprop, adagrad };

/** An optimizer by name with Keras's defaults, or the given one. */
export function getOptimizer(o: OptimizerName | Optimizer): Optimizer {
  if (typeof o !== 'string') return o;
  if (!Object.hasOwn(optimizers, o)) throw new Error(`unknown optimizer '${o}'; expected one of ${Object.keys(optimizers).join(', ')}`);
  return optimizers[o]();
}
