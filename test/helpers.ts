// Shared test helpers: deterministic random data and a closeness check that names the worst element.
import { expect } from 'vitest';
import { init } from '../src/index.js';

export async function setup(): Promise<void> {
  await init();
}

/** The library's seeded generator, so every test's data is reproducible. */
export { seededRandom as rng } from '../src/initializers.js';
import { seededRandom as rng } from '../src/initializers.js';

/** n uniform values in [lo, hi) as float32. */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** |actual - expected| ≤ atol + rtol·|expected| everywhere (NaN only where expected is NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol, rtol }: Tolerance, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return void expect.fail(`${what}[${i}] = ${a}, expected ${e}`);
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return void expect.fail(`${what}[${i}] = ${a}, expected ${e}`);
      continue;
    }
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) expect.fail(`${what}[${worst}] = ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`);
}
