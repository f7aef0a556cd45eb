// Optimizers: Keras's defaults, TensorFlow.js's update rules (the reference the model tests compare
// against), one fused kernel per parameter tensor (value, gradient and slots in one pass). apply()
// only encodes work: no readback, no await. Slots are created on first use, keyed by the value
// tensor, and stacked into one tensor per parameter ([slots, n]) so every kernel binds one buffer.
import { defineKernel, grid1d, packUniforms, type Kernel, type Shader } from './runner.js';
import { adadelta_update } from './generated/adadelta_update.js';
import { adagrad_update } from './generated/adagrad_update.js';
import { adam_powers_update } from './generated/adam_powers_update.js';
import { adam_update } from './generated/adam_update.js';
import { rmsprop_update } from './generated/rmsprop_update.js';
import { sgd_momentum_update } from './generated/sgd_momentum_update.js';
import { sgd_update } from './generated/sgd_update.js';
import { empty, formatShape, tensor, write, type Tensor } from './tensor.js';
import { fill } from './ops/fill.js';

export interface Param {
  value: Tensor;
  grad: Tensor;
}

export interface Optimizer {
  readonly name: string;
  readonly config: Record<string, number | boolean>;
  iterations: number;
  /** Encodes one update step for all params. */
  apply(params: Param[]): void;
  /** Frees the slot tensors. */
  dispose(): void;
}

import type { OptimizerName } from './optimizer_names.js';

export type { OptimizerName };

/** Uniform words of one update: the count of vec4s (the kernels update four elements per thread), then f32 hyper-parameters. */
interface Update {
  n: number;
  floats: number[];
  constants?: Record<string, number>;
}

function updateKernel(shader: Shader, slotted: boolean, extra: 'read'[] = []): Kernel<Update> {
  return defineKernel<Update>({
    shader,
    bindings: ['write', 'read', ...(slotted ? (['write'] as const) : []), ...extra, 'uniform'],
    workgroups: (p) => grid1d(p.n, 64),
    uniforms: (p) => packUniforms([p.n, ...p.floats.map((f32) => ({ f32 }))]),
    constants: (p) => p.constants ?? {},
  });
}

const kernels = {
  sgd: /* @__PURE__ */ updateKernel(sgd_update, false),
  momentum: /* @__PURE__ */ updateKernel(sgd_momentum_update, true),
  adam: /* @__PURE__ */ updateKernel(adam_update, true, ['read']),
  adadelta: /* @__PURE__ */ updateKernel(adadelta_update, true),
  rmsprop: /* @__PURE__ */ updateKernel(rmsprop_update, true),
  adagrad: /* @__PURE__ */ updateKernel(adagrad_update, true),
};

const adamPowers = /* @__PURE__ */ defineKernel<{ beta1: number; beta2: number }>({
  shader: adam_powers_update,
  bindings: ['write', 'uniform'],
  workgroups: () => [1],
  uniforms: (p) => packUniforms([{ f32: p.beta1 }, { f32: p.beta2 }]),
});

interface Rule {
  name: OptimizerName;
  config: Record<string, number | boolean>;
  /** Slot tensors per parameter, and the value they start at. */
  slots: number;
  initial?: number;
  /** Encodes the update of one parameter of n vec4s (slots: [slots, 4n] or null). */
  update(value: Tensor, grad: Tensor, slots: Tensor | null, n: number): void;
  /** Once per step, before the updates (Adam's bias-correction powers). */
  beginStep?(iterations: number): void;
  dispose?(): void;
}

class GpuOptimizer implements Optimizer {
  iterations = 0;
  readonly name: string;
  readonly config: Record<string, number | boolean>;
  readonly #rule: Rule;
  readonly #slots = new Map<Tensor, Tensor>();

  constructor(rule: Rule) {
    for (const [key, v] of Object.entries(rule.config)) {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`optimizer ${rule.name}: ${key} must be a finite number, got ${v}`);
    }
    this.#rule = rule;
    this.name = rule.name;
    this.config = rule.config;
  }

  apply(params: Param[]): void {
    for (const { value, grad } of params) {
      if (value.size !== grad.size || value.dtype !== 'float32' || grad.dtype !== 'float32') {
        throw new Error(`optimizer ${this.name}: parameter ${formatShape(value.shape)} (${value.dtype}) and its gradient ${formatShape(grad.shape)} (${grad.dtype}) must be float32 of the same size`);
      }
    }
    this.#rule.beginStep?.(this.iterations);
    for (const { value, grad } of params) this.#rule.update(value, grad, this.#slotsOf(value), vec4s(value));
    this.iterations++;
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
    this.#rule.dispose?.();
  }
}

function sgd({ learningRate = 0.01, momentum = 0, nesterov = false } = {}): Optimizer {
  return new GpuOptimizer({
    name: 'sgd',
    config: { learningRate, momentum, nesterov },
    slots: momentum === 0 ? 0 : 1,
    update(value, grad, slots, n) {
      if (!slots) return kernels.sgd.run([value.buffer, grad.buffer], { n, floats: [-learningRate] });
      kernels.momentum.run([value.buffer, grad.buffer, slots.buffer], { n, floats: [-learningRate, momentum], constants: { NESTEROV: Number(nesterov) } });
    },
  });
}

function adam({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = {}): Optimizer {
  // The step count t enters only as β^t. Uniform buffers are cached by content, so a per-step value
  // there would create a buffer every step; instead (β1^t, β2^t) live in a 2-element GPU tensor that
  // a one-thread kernel advances before each step's updates (TF.js's accBeta1/accBeta2, in float32).
  let powers: Tensor | null = null;
  let poweredAt = 0;
  const powersAt = (t: number) => [Math.fround(beta1) ** t, Math.fround(beta2) ** t];
  return new GpuOptimizer({
    name: 'adam',
    config: { learningRate, beta1, beta2, epsilon },
    slots: 2,
    beginStep(iterations) {
      // `iterations` may have been set (a restored checkpoint): restart the powers from it.
      if (!powers) powers = tensor(powersAt(iterations));
      else if (poweredAt !== iterations) write(powers, powersAt(iterations));
      adamPowers.run([powers.buffer], { beta1, beta2 });
      poweredAt = iterations + 1;
    },
    update(value, grad, slots, n) {
      const floats = [-learningRate, beta1, 1 - beta1, beta2, 1 - beta2, epsilon];
      kernels.adam.run([value.buffer, grad.buffer, slots!.buffer, powers!.buffer], { n, floats });
    },
    dispose() {
      powers?.dispose();
      powers = null;
    },
  });
}

function adadelta({ learningRate = 0.001, rho = 0.95, epsilon = 1e-7 } = {}): Optimizer {
  return new GpuOptimizer({
    name: 'adadelta',
    config: { learningRate, rho, epsilon },
    slots: 2,
    update(value, grad, slots, n) {
      kernels.adadelta.run([value.buffer, grad.buffer, slots!.buffer], { n, floats: [-learningRate, rho, 1 - rho, epsilon] });
    },
  });
}

function rmsprop({ learningRate = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false } = {}): Optimizer {
  const constants = { MOMENTUM: Number(momentum !== 0), CENTERED: Number(centered) };
  return new GpuOptimizer({
    name: 'rmsprop',
    config: { learningRate, rho, momentum, epsilon, centered },
    slots: 1 + constants.MOMENTUM + constants.CENTERED,
    update(value, grad, slots, n) {
      kernels.rmsprop.run([value.buffer, grad.buffer, slots!.buffer], { n, floats: [learningRate, rho, 1 - rho, momentum, epsilon], constants });
    },
  });
}

function adagrad({ learningRate = 0.001, initialAccumulatorValue = 0.1, epsilon = 1e-7 } = {}): Optimizer {
  return new GpuOptimizer({
    name: 'adagrad',
    config: { learningRate, initialAccumulatorValue, epsilon },
    slots: 1,
    initial: initialAccumulatorValue,
    update(value, grad, slots, n) {
      kernels.adagrad.run([value.buffer, grad.buffer, slots!.buffer], { n, floats: [-learningRate, epsilon] });
    },
  });
}

/** Four elements per thread: tensor buffers are whole 16-byte multiples (see tensor.ts). */
function vec4s(t: Tensor): number {
  return Math.ceil(t.size / 4);
}

export const optimizers = { sgd, adam, adadelta, rmsprop, adagrad };

/** An optimizer by name with Keras's defaults, or the given one. */
export function getOptimizer(o: OptimizerName | Optimizer): Optimizer {
  if (typeof o !== 'string') return o;
  if (!Object.hasOwn(optimizers, o)) throw new Error(`unknown optimizer '${o}'; expected one of ${Object.keys(optimizers).join(', ')}`);
  return optimizers[o]();
}
