// Learning-rate schedules: Keras's keras.optimizers.schedules, as functions of the step (counted
// from 0, Keras's optimizer.iterations) that an optimizer calls once per step on the host; the
// rate reaches the update kernels through a small GPU buffer (see optimizers.ts), so a schedule
// recompiles nothing and adds no per-step uniform. Any (step) => number works as a schedule.

/** A learning rate as a function of the step (0 for the first update). */
export type LearningRateSchedule = (step: number) => number;

function check(condition: boolean, schedule: string, option: string, value: unknown, expected: string): void {
  if (!condition) throw new Error(`schedules.${schedule}: ${option} must be ${expected}, got ${formatValue(value)}`);
}

export function formatValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(formatValue).join(', ')}]` : String(v);
}

const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Keras's ExponentialDecay: lr · decayRate^(step / decaySteps), the exponent floored when staircase. */
export function exponentialDecay(args: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = args ?? {};
  check(isRate(initialLearningRate), 'exponentialDecay', 'initialLearningRate', initialLearningRate, 'a finite number ≥ 0');
  check(isPositive(decaySteps), 'exponentialDecay', 'decaySteps', decaySteps, 'a finite number > 0');
  check(isPositive(decayRate), 'exponentialDecay', 'decayRate', decayRate, 'a finite number > 0');
  check(typeof staircase === 'boolean', 'exponentialDecay', 'staircase', staircase, 'true or false');
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * Keras's CosineDecay: with warmupTarget, a linear warm-up from initialLearningRate to warmupTarget
 * over warmupSteps, then a cosine from there down to alpha·peak over decaySteps, constant after.
 */
export function cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number; warmupSteps?: number }): LearningRateSchedule {
  const { initialLearningRate, decaySteps, alpha = 0, warmupTarget, warmupSteps = 0 } = args ?? {};
  check(isRate(initialLearningRate), 'cosineDecay', 'initialLearningRate', initialLearningRate, 'a finite number ≥ 0');
  check(isPositive(decaySteps), 'cosineDecay', 'decaySteps', decaySteps, 'a finite number > 0');
  check(isRate(alpha) && alpha <= 1, 'cosineDecay', 'alpha', alpha, 'a number in [0, 1]');
  check(warmupTarget === undefined || isRate(warmupTarget), 'cosineDecay', 'warmupTarget', warmupTarget, 'a finite number ≥ 0');
  check(isRate(warmupSteps), 'cosineDecay', 'warmupSteps', warmupSteps, 'a finite number ≥ 0');
  const decay = (step: number, from: number) => from * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * step) / decaySteps)) + alpha);
  if (warmupTarget === undefined) return (step) => decay(Math.min(step, decaySteps), initialLearningRate);
  return (step) => {
    const s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
    return decay(s - warmupSteps, warmupTarget);
  };
}

/** Keras's PiecewiseConstantDecay: values[0] while step ≤ boundaries[0], values[i] while step ≤ boundaries[i], the last value after. */
export function piecewiseConstantDecay(args: { boundaries: number[]; values: number[] }): LearningRateSchedule {
  const { boundaries, values } = args ?? {};
  check(Array.isArray(boundaries) && boundaries.every((b, i) => Number.isFinite(b) && (i === 0 || b > boundaries[i - 1])), 'piecewiseConstantDecay', 'boundaries', boundaries, 'an increasing list of finite numbers');
  check(Array.isArray(values) && values.every(isRate), 'piecewiseConstantDecay', 'values', values, 'a list of finite numbers ≥ 0');
  check(values.length === boundaries.length + 1, 'piecewiseConstantDecay', 'values', values, `one more entry than boundaries (${boundaries.length + 1})`);
  return (step) => {
    const i = boundaries.findIndex((b) => step <= b);
    return values[i === -1 ? values.length - 1 : i];
  };
}

export const schedules = { exponentialDecay, cosineDecay, piecewiseConstantDecay };
