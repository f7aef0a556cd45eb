// float64 reference of the L1L2 and contractive penalties and their gradients.
import type { Act } from './activation.js';

export function l1l2Ref(x: ArrayLike<number>, l1: number, l2: number, scale: number): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += l1 * Math.abs(x[i]) + l2 * x[i] * x[i];
  return scale * total;
}

export function l1l2GradRef(x: ArrayLike<number>, l1: number, l2: number, scale: number): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => scale * (l1 * Math.sign(x[i]) + 2 * l2 * x[i]));
}

/** act'(z) written in terms of the output y = act(z) (what the encoder keeps). */
export function gradFromOutput(act: Act, y: number, alpha: number): number {
  switch (act) {
    case 'linear': return 1;
    case 'relu': return y > 0 ? 1 : 0;
    case 'sigmoid': return y * (1 - y);
    case 'tanh': return 1 - y * y;
    case 'leakyRelu': return y > 0 ? 1 : alpha;
    case 'elu': return y > 0 ? 1 : y + alpha;
    case 'softplus': return 1 - Math.exp(-y);
    case 'relu6': return y > 0 && y < alpha ? 1 : 0;
  }
}

/** d gradFromOutput / dy. */
function slopeFromOutput(act: Act, y: number): number {
  switch (act) {
    case 'sigmoid': return 1 - 2 * y;
    case 'tanh': return -2 * y;
    case 'elu': return y > 0 ? 0 : 1;
    case 'softplus': return Math.exp(-y);
    default: return 0;
  }
}

/** λ/B Σ_b Σ_j act'(h_bj)² Σ_i W_ij², h [B, units], W [inputs, units] row-major. */
export function contractiveRef(h: ArrayLike<number>, w: ArrayLike<number>, units: number, act: Act, alpha: number, lambda: number): number {
  const rows = h.length / units;
  const inputs = w.length / units;
  let total = 0;
  for (let j = 0; j < units; j++) {
    let norm = 0;
    for (let i = 0; i < inputs; i++) norm += w[i * units + j] ** 2;
    for (let b = 0; b < rows; b++) total += gradFromOutput(act, h[b * units + j], alpha) ** 2 * norm;
  }
  return (lambda / rows) * total;
}

/** Gradients of contractiveRef w.r.t. h and W. */
export function contractiveGradRef(h: ArrayLike<number>, w: ArrayLike<number>, units: number, act: Act, alpha: number, lambda: number): { dh: Float64Array; dw: Float64Array } {
  const rows = h.length / units;
  const inputs = w.length / units;
  const c = lambda / rows;
  const dh = new Float64Array(h.length);
  const dw = new Float64Array(w.length);
  for (let j = 0; j < units; j++) {
    let norm = 0;
    let s = 0;
    for (let i = 0; i < inputs; i++) norm += w[i * units + j] ** 2;
    for (let b = 0; b < rows; b++) {
      const y = h[b * units + j];
      const d = gradFromOutput(act, y, alpha);
      s += d * d;
      dh[b * units + j] = c * norm * 2 * d * slopeFromOutput(act, y);
    }
    for (let i = 0; i < inputs; i++) dw[i * units + j] = c * s * 2 * w[i * units + j];
  }
  return { dh, dw };
}
