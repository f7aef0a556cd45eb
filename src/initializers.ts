// Parameter initializers, Keras's definitions, from a seeded RNG so that a seed reproduces a run.
// They run once per weight on the CPU; the values then live on the GPU.
import type { Shape } from './tensor.js';

export type InitializerName =
  | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'lecunNormal' | 'lecunUniform'
  | 'zeros' | 'ones' | 'randomNormal' | 'randomUniform';

export type InitializerSpec =
  | InitializerName
  | { name: InitializerName; seed?: number; mean?: number; stddev?: number; minval?: number; maxval?: number; value?: number };

const NAMES: ReadonlySet<string> = new Set<InitializerName>([
  'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'lecunNormal', 'lecunUniform', 'zeros', 'ones', 'randomNormal', 'randomUniform',
]);
const NUMERIC_OPTIONS = ['seed', 'mean', 'stddev', 'minval', 'maxval', 'value'] as const;

/**
 * Throws a clear error for an initializer that is not one of ours or has non-numeric options, when
 * a layer is configured rather than when its weights are made. Names come from model files too:
 * a Set, so '__proto__' or 'toString' are unknown like any other.
 */
export function checkInitializer(spec: unknown, what = 'initializer'): asserts spec is InitializerSpec {
  const o = (typeof spec === 'string' ? { name: spec } : spec) as Record<string, unknown> | null;
  const name = o?.name;
  if (typeof name !== 'string' || !NAMES.has(name)) {
    throw new Error(`${what}: unknown initializer ${typeof name === 'string' ? `'${name}'` : JSON.stringify(spec) ?? String(spec)}; expected one of ${[...NAMES].join(', ')}`);
  }
  for (const key of NUMERIC_OPTIONS) {
    const v = o![key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) throw new Error(`${what} '${name}': ${key} must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
  }
  if (typeof o!.stddev === 'number' && o!.stddev < 0) throw new Error(`${what} '${name}': stddev must be ≥ 0, got ${o!.stddev}`);
  if (typeof o!.minval === 'number' && typeof o!.maxval === 'number' && o!.minval > o!.maxval) throw new Error(`${what} '${name}': minval ${o!.minval} is above maxval ${o!.maxval}`);
}

/** While a model from a file is built: how many bytes of weights its layers may still create. */
let weightBudget: { limit: number; used: number; exceeded: (needed: number) => Error } | null = null;

/**
 * Runs `build` (synchronous) allowing its layers at most `bytes` of initial weights in all; the
 * weight that would go over throws `exceeded(bytes needed so far, that one included)` before
 * anything is allocated.
 * Loading a model file uses this, so a topology declaring gigabytes of weights allocates nothing.
 */
export function withWeightBudget<T>(bytes: number, exceeded: (needed: number) => Error, build: () => T): T {
  const outer = weightBudget;
  weightBudget = { limit: bytes, used: 0, exceeded };
  try {
    return build();
  } finally {
    weightBudget = outer;
  }
}

function spend(n: number): void {
  if (!weightBudget) return;
  const used = weightBudget.used + n * 4;
  if (!(used <= weightBudget.limit)) throw weightBudget.exceeded(used);
  weightBudget.used = used;
}

let globalSeed: number | null = null;
let drawn = 0;

/** Seeds every initializer that has no seed of its own (like tf.random.set_seed): same seed, same weights. */
export function setRandomSeed(seed: number): void {
  globalSeed = seed;
  drawn = 0;
}

/** A 32-bit seeded generator (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for a draw with none of its own: from setRandomSeed's sequence when set, else random. */
export function nextSeed(): number {
  return globalSeed === null ? Math.floor(Math.random() * 2 ** 31) : (globalSeed * 1_000_003 + ++drawn * 7919) >>> 0;
}

/** Standard normal by Box–Muller. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Keras's fans: dense [in, out]; conv [kh, kw, in, out] → receptive field × channels. */
export function fans(shape: Shape): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape.at(-2)! * receptive, shape.at(-1)! * receptive];
}

/** The initializer as a function of the weight's shape. */
export function makeInitializer(spec: InitializerSpec): (shape: Shape) => Float32Array {
  checkInitializer(spec);
  const o = typeof spec === 'string' ? { name: spec } : spec;
  return (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    spend(n);
    const random = seededRandom(o.seed ?? nextSeed());
    const [fanIn, fanOut] = fans(shape);
    const uniformIn = (limit: number) => Float32Array.from({ length: n }, () => (2 * random() - 1) * limit);
    // Keras's *Normal variance-scaling initializers draw a normal truncated at 2σ, with σ
    // corrected (÷ .8796…) so that the truncated distribution keeps the intended variance.
    const truncated = (scale: number) => {
      const stddev = Math.sqrt(scale) / 0.87962566103423978;
      return Float32Array.from({ length: n }, () => {
        for (;;) {
          const z = normal(random);
          if (Math.abs(z) <= 2) return z * stddev;
        }
      });
    };
    switch (o.name) {
      case 'glorotUniform': return uniformIn(Math.sqrt(6 / (fanIn + fanOut)));
      case 'glorotNormal': return truncated(2 / (fanIn + fanOut));
      case 'heUniform': return uniformIn(Math.sqrt(6 / fanIn));
      case 'heNormal': return truncated(2 / fanIn);
      case 'lecunUniform': return uniformIn(Math.sqrt(3 / fanIn));
      case 'lecunNormal': return truncated(1 / fanIn);
      case 'zeros': return new Float32Array(n);
      case 'ones': return new Float32Array(n).fill(1);
      case 'randomNormal': return Float32Array.from({ length: n }, () => (o.mean ?? 0) + (o.stddev ?? 0.05) * normal(random));
      case 'randomUniform': return Float32Array.from({ length: n }, () => (o.minval ?? -0.05) + ((o.maxval ?? 0.05) - (o.minval ?? -0.05)) * random());
      default: throw new Error(`unknown initializer '${(o as { name: string }).name}'`);
    }
  };
}
