// float64 reference of the activations and their derivatives (Keras's definitions).
export type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu' | 'softplus' | 'relu6';

export function activate(name: Act, x: number, alpha: number): number {
  switch (name) {
    case 'linear': return x;
    case 'relu': return Math.max(x, 0);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'leakyRelu': return x > 0 ? x : alpha * x;
    case 'elu': return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case 'softplus': return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    case 'relu6': return Math.min(Math.max(x, 0), alpha);
  }
}

/** d act / dx at x. */
export function activateGrad(name: Act, x: number, alpha: number): number {
  switch (name) {
    case 'linear': return 1;
    case 'relu': return x > 0 ? 1 : 0;
    case 'sigmoid': { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }
    case 'tanh': return 1 - Math.tanh(x) ** 2;
    case 'leakyRelu': return x > 0 ? 1 : alpha;
    case 'elu': return x > 0 ? 1 : alpha * Math.exp(x);
    case 'softplus': return 1 / (1 + Math.exp(-x));
    case 'relu6': return x > 0 && x < alpha ? 1 : 0;
  }
}
