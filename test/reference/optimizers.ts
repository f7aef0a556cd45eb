// float64 reference of TF.js's optimizer update rules (tf.train.*), one parameter array at a time.
// State holds the slots (created on the first step) and the step count t.
export type Rule = 'sgd' | 'adam' | 'adadelta' | 'rmsprop' | 'adagrad';
export interface RefState {
  t: number;
  slots: Record<string, Float64Array>;
}

type Config = Record<string, number | boolean>;

function slot(state: RefState, name: string, n: number, initial = 0): Float64Array {
  return (state.slots[name] ??= new Float64Array(n).fill(initial));
}

/** One update of x in place with gradient g. */
export function stepRef(rule: Rule, c: Config, x: Float64Array, g: ArrayLike<number>, state: RefState): void {
  const n = x.length;
  const lr = c.learningRate as number;
  state.t++;
  switch (rule) {
    case 'sgd': {
      const m = c.momentum as number;
      const acc = slot(state, 'accum', n);
      for (let i = 0; i < n; i++) {
        acc[i] = m * acc[i] + g[i];
        x[i] -= lr * (m === 0 ? g[i] : c.nesterov ? g[i] + m * acc[i] : acc[i]);
      }
      return;
    }
    case 'adam': {
      const [b1, b2, eps] = [c.beta1, c.beta2, c.epsilon] as number[];
      const m = slot(state, 'm', n);
      const v = slot(state, 'v', n);
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2;
        x[i] -= (lr * (m[i] / (1 - b1 ** state.t))) / (Math.sqrt(v[i] / (1 - b2 ** state.t)) + eps);
      }
      return;
    }
    case 'adadelta': {
      const [rho, eps] = [c.rho, c.epsilon] as number[];
      const ag = slot(state, 'accGrad', n);
      const au = slot(state, 'accUpdate', n);
      for (let i = 0; i < n; i++) {
        // TF.js divides by the accumulated gradient before this step's update of it.
        const upd = (Math.sqrt(au[i] + eps) / Math.sqrt(ag[i] + eps)) * g[i];
        ag[i] = rho * ag[i] + (1 - rho) * g[i] ** 2;
        au[i] = rho * au[i] + (1 - rho) * upd ** 2;
        x[i] -= lr * upd;
      }
      return;
    }
    case 'rmsprop': {
      const [rho, m, eps] = [c.rho, c.momentum, c.epsilon] as number[];
      const ms = slot(state, 'ms', n);
      const mg = slot(state, 'mg', n);
      const mom = slot(state, 'mom', n);
      for (let i = 0; i < n; i++) {
        ms[i] = rho * ms[i] + (1 - rho) * g[i] ** 2;
        mg[i] = rho * mg[i] + (1 - rho) * g[i];
        const denominator = c.centered ? ms[i] - mg[i] ** 2 + eps : ms[i] + eps;
        mom[i] = m * mom[i] + (lr * g[i]) / Math.sqrt(denominator);
        x[i] -= mom[i];
      }
      return;
    }
    case 'adagrad': {
      const acc = slot(state, 'acc', n, c.initialAccumulatorValue as number);
      for (let i = 0; i < n; i++) {
        acc[i] += g[i] ** 2;
        x[i] -= (lr * g[i]) / Math.sqrt(acc[i] + (c.epsilon as number));
      }
      return;
    }
  }
}
