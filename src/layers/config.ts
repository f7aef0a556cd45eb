// A layer's Keras config in TF.js's camelCase: how initializers and regularizers are written
// ({ className, config } objects, as TF.js serializes them) and read back, and a reader that names
// the layer in every error. Each layer class's getConfig()/fromConfig() uses these; io only turns
// camelCase into Keras's snake_case and back.
import type { InitializerName, InitializerSpec } from '../initializers.js';
import type { L1L2 } from '../ops/regularizers.js';
import { activationConstants, type ActivationName } from '../ops/activation.js';

export type Json = Record<string, unknown>;

/** TF.js writes the variance-scaling family as VarianceScaling (its 'normal' is truncated, as ours). */
const VARIANCE_SCALING = new Map<string, { scale: number; mode: string; distribution: string }>([
  ['glorotUniform', { scale: 1, mode: 'fan_avg', distribution: 'uniform' }],
  ['glorotNormal', { scale: 1, mode: 'fan_avg', distribution: 'normal' }],
  ['heUniform', { scale: 2, mode: 'fan_in', distribution: 'uniform' }],
  ['heNormal', { scale: 2, mode: 'fan_in', distribution: 'normal' }],
  ['lecunUniform', { scale: 1, mode: 'fan_in', distribution: 'uniform' }],
  ['lecunNormal', { scale: 1, mode: 'fan_in', distribution: 'normal' }],
]);

/** Keras 2 / Keras 3 class names of the variance-scaling presets. */
const PRESETS = new Map<string, InitializerName>([
  ['GlorotUniform', 'glorotUniform'], ['GlorotNormal', 'glorotNormal'], ['HeUniform', 'heUniform'],
  ['HeNormal', 'heNormal'], ['LecunUniform', 'lecunUniform'], ['LecunNormal', 'lecunNormal'],
]);

export function serializeInitializer(spec: InitializerSpec): Json {
  const o = typeof spec === 'string' ? { name: spec } : spec;
  const seed = o.seed ?? null;
  const vs = VARIANCE_SCALING.get(o.name);
  if (vs) return { className: 'VarianceScaling', config: { ...vs, seed } };
  switch (o.name) {
    case 'zeros': return { className: 'Zeros', config: {} };
    case 'ones': return { className: 'Ones', config: {} };
    case 'randomNormal': return { className: 'RandomNormal', config: { mean: o.mean ?? 0, stddev: o.stddev ?? 0.05, seed } };
    case 'randomUniform': return { className: 'RandomUniform', config: { minval: o.minval ?? -0.05, maxval: o.maxval ?? 0.05, seed } };
  }
  throw new Error(`cannot save initializer '${o.name}'`);
}

export function serializeRegularizer(reg: L1L2 | undefined): Json | null {
  return reg ? { className: 'L1L2', config: { l1: reg.l1 ?? 0, l2: reg.l2 ?? 0 } } : null;
}

/** Whether a value is a JSON object (not null, not a list): what a config or a serialized option must be. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What Dense and the convolutions take for their kernel and bias. */
export interface KernelBiasOptions {
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: L1L2;
  biasRegularizer?: L1L2;
}

/** The kernel and bias options as Keras writes them (constraints are not supported: null). */
export function serializeKernelBias(c: KernelBiasOptions): Json {
  return {
    kernelInitializer: serializeInitializer(c.kernelInitializer ?? 'glorotUniform'),
    biasInitializer: serializeInitializer(c.biasInitializer ?? 'zeros'),
    kernelRegularizer: serializeRegularizer(c.kernelRegularizer),
    biasRegularizer: serializeRegularizer(c.biasRegularizer),
    kernelConstraint: null,
    biasConstraint: null,
  };
}

/** Whether a config value is a serialized object ({ className, config }) rather than a spec given in code. */
function isSerialized(v: unknown): v is { className?: unknown; config?: Json } {
  return typeof v === 'object' && v !== null && 'className' in v;
}

/**
 * Reads a layer's camelCase config, naming the layer in every error. Options given in code
 * (initializer names, { l1, l2 }) pass through; serialized ones are decoded.
 */
export class ConfigReader {
  constructor(
    readonly c: Json,
    readonly what: string,
  ) {
    // A config from a file may be any JSON value; every reader below indexes it.
    if (!isObject(c)) throw this.fail(`config must be an object, got ${JSON.stringify(c) ?? String(c)}`);
  }

  fail(why: string): Error {
    return new Error(`${this.what}: ${why}`);
  }

  /** A key as model.json spells it (snake_case), for messages. */
  #saved(key: string): string {
    return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  }

  /** Options wgslnet does not implement must hold their default (any of `allowed`, null and absent always pass). */
  only(key: string, ...allowed: unknown[]): void {
    const v = this.c[key];
    if (v === undefined || v === null || allowed.some((a) => JSON.stringify(a) === JSON.stringify(v))) return;
    const supported = allowed.length ? ` (wgslnet supports ${allowed.map((a) => JSON.stringify(a)).join(' or ')})` : '';
    throw this.fail(`${this.#saved(key)} ${JSON.stringify(v)} is not supported${supported}`);
  }

  number(key: string): number {
    const v = this.c[key];
    if (typeof v !== 'number') throw this.fail(`${this.#saved(key)} must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  optional<T>(key: string): T | undefined {
    return (this.c[key] ?? undefined) as T | undefined;
  }

  shape(key: string): number[] {
    const v = this.c[key];
    if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d) && d > 0)) throw this.fail(`${this.#saved(key)} must be a list of positive integers, got ${JSON.stringify(v)}`);
    return v;
  }

  activation(key = 'activation'): ActivationName {
    const v = (this.c[key] ?? 'linear') as ActivationName;
    try {
      activationConstants(v);
    } catch (e) {
      throw this.fail((e as Error).message);
    }
    return v;
  }

  initializer(key: string): InitializerSpec | undefined {
    const v = this.c[key];
    if (v === undefined || v === null) return undefined;
    if (!isSerialized(v)) return v as InitializerSpec;
    const cfg = this.#serializedConfig(key, v);
    const seed = typeof cfg.seed === 'number' ? cfg.seed : undefined;
    const named = (name: InitializerName, extra: Json = {}): InitializerSpec => ({ name, ...(seed === undefined ? {} : { seed }), ...extra });
    const className = String(v.className);
    const preset = PRESETS.get(className);
    if (preset) return named(preset);
    switch (className) {
      case 'VarianceScaling': {
        const distribution = cfg.distribution === 'truncated_normal' ? 'normal' : cfg.distribution;
        const match = [...VARIANCE_SCALING].find(([, o]) => o.scale === (cfg.scale ?? 1) && o.mode === (cfg.mode ?? 'fan_in') && o.distribution === (distribution ?? 'normal'));
        // Only the initial values differ, and those are replaced by the saved weights.
        return match ? named(match[0] as InitializerName) : undefined;
      }
      case 'Zeros': return 'zeros';
      case 'Ones': return 'ones';
      case 'RandomNormal': return named('randomNormal', { mean: cfg.mean ?? 0, stddev: cfg.stddev ?? 0.05 });
      case 'RandomUniform': return named('randomUniform', { minval: cfg.minval ?? -0.05, maxval: cfg.maxval ?? 0.05 });
    }
    return undefined;
  }

  /** The config of a serialized option ({ className, config }): an object, absent or null meaning {}. */
  #serializedConfig(key: string, v: { config?: unknown }): Json {
    const cfg = v.config ?? {};
    if (!isObject(cfg)) throw this.fail(`${this.#saved(key)} config must be an object, got ${JSON.stringify(cfg)}`);
    return cfg;
  }

  regularizer(key: string): L1L2 | undefined {
    const v = this.c[key];
    if (v === undefined || v === null) return undefined;
    if (!isSerialized(v)) return v as L1L2;
    if (!['L1L2', 'L1', 'L2'].includes(String(v.className))) throw this.fail(`${this.#saved(key)} '${String(v.className)}' is not supported (wgslnet supports L1L2, L1, L2)`);
    const cfg = this.#serializedConfig(key, v);
    const factor = (k: 'l1' | 'l2') => {
      const f = cfg[k] ?? 0;
      if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) throw this.fail(`${this.#saved(key)} ${k} must be a non-negative number, got ${JSON.stringify(f)}`);
      return f;
    };
    return { l1: factor('l1'), l2: factor('l2') };
  }

  /** The kernel and bias options of Dense and the convolutions (constraints must be absent). */
  kernelBias(): KernelBiasOptions {
    this.only('kernelConstraint');
    this.only('biasConstraint');
    return {
      kernelInitializer: this.initializer('kernelInitializer'),
      biasInitializer: this.initializer('biasInitializer'),
      kernelRegularizer: this.regularizer('kernelRegularizer'),
      biasRegularizer: this.regularizer('biasRegularizer'),
    };
  }

  /** What every layer takes: name, trainable, activity regularizer, declared input shape; float32 only. */
  base(): { name?: string; trainable?: boolean; activityRegularizer?: L1L2; inputShape?: number[] } {
    const dtype = this.c.dtype as string | { config?: { name?: string } } | null | undefined;
    const dtypeName = typeof dtype === 'object' && dtype !== null ? dtype.config?.name : dtype;
    if (dtypeName !== undefined && dtypeName !== null && dtypeName !== 'float32') throw this.fail(`dtype '${dtypeName}' is not supported (wgslnet computes in float32)`);
    const batchShape = (this.c.batchInputShape ?? this.c.batchShape) as (number | null)[] | undefined;
    const inputShape = Array.isArray(batchShape) ? (batchShape.slice(1) as number[]) : undefined;
    if (inputShape && !inputShape.every((d) => Number.isInteger(d) && d > 0)) throw this.fail(`input shape ${JSON.stringify(batchShape)} must be known positive integers after the batch axis`);
    const name = this.optional<string>('name');
    if (name !== undefined && typeof name !== 'string') throw this.fail(`name must be a string, got ${JSON.stringify(name)}`);
    return { name, trainable: this.optional<boolean>('trainable'), activityRegularizer: this.regularizer('activityRegularizer'), inputShape };
  }
}
