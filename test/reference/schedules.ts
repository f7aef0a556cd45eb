// float64 reference of Keras 3's learning-rate schedules (keras/src/optimizers/schedules/
// learning_rate_schedule.py), written after its __call__ methods, and of the gradient
// transformations of Keras's optimizer base class (clip_by_norm, clip_by_global_norm, clip, weight decay).

export function exponentialDecayRef(step: number, lr: number, decaySteps: number, decayRate: number, staircase: boolean): number {
  let p = step / decaySteps;
  if (staircase) p = Math.floor(p);
  return lr * Math.pow(decayRate, p);
}

export function cosineDecayRef(step: number, lr: number, decaySteps: number, alpha: number, warmupTarget: number | null, warmupSteps: number): number {
  const decayFunction = (s: number, from: number) => {
    const completed = s / decaySteps;
    const cosineDecayed = 0.5 * (1 + Math.cos(Math.PI * completed));
    return from * ((1 - alpha) * cosineDecayed + alpha);
  };
  if (warmupTarget === null) return decayFunction(Math.min(step, decaySteps), lr);
  const s = Math.min(step, decaySteps + warmupSteps);
  if (s < warmupSteps) return (warmupTarget - lr) * (s / warmupSteps) + lr;
  return decayFunction(s - warmupSteps, warmupTarget);
}

export function piecewiseConstantRef(step: number, boundaries: number[], values: number[]): number {
  // Keras: values[0] for step <= b0; values[i] for b[i-1] < step <= b[i]; values[-1] for step > b[-1].
  if (step <= boundaries[0]) return values[0];
  for (let i = 1; i < boundaries.length; i++) if (step > boundaries[i - 1] && step <= boundaries[i]) return values[i];
  return values[values.length - 1];
}

export function l2(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** Keras's Optimizer._clip_gradients: one of clipnorm (per gradient), global_clipnorm, clipvalue. */
export function clipRef(grads: ArrayLike<number>[], c: { clipNorm?: number; globalClipNorm?: number; clipValue?: number }): Float64Array[] {
  const out = grads.map((g) => Float64Array.from(g));
  if (c.clipNorm) for (const g of out) { const s = c.clipNorm / Math.max(l2(g), c.clipNorm); g.forEach((v, i) => (g[i] = v * s)); }
  else if (c.globalClipNorm) {
    const norm = Math.sqrt(out.reduce((a, g) => a + l2(g) ** 2, 0));
    const s = c.globalClipNorm * Math.min(1 / norm, 1 / c.globalClipNorm);
    for (const g of out) g.forEach((v, i) => (g[i] = v * s));
  } else if (c.clipValue) for (const g of out) g.forEach((v, i) => (g[i] = Math.min(Math.max(v, -c.clipValue!), c.clipValue!)));
  return out;
}

/** Keras's Optimizer._apply_weight_decay: variable ← variable − variable·wd·lr. */
export function decayRef(x: Float64Array, weightDecay: number, lr: number): void {
  for (let i = 0; i < x.length; i++) x[i] -= x[i] * weightDecay * lr;
}
