// float64 references of 2-D max and average pooling, NHWC, Keras's 'valid' / 'same' placement
// (TF puts the odd extra padding after the input). Backward passes scatter, the obvious way.
export interface PoolCase {
  shape: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

interface Window {
  /** Flat index of the output element. */
  out: number;
  /** Flat indices of the window's unpadded input elements, in row-major scan order. */
  inputs: number[];
}

export function poolOutShape({ shape: [n, h, w, c], pool, strides, padding }: PoolCase): [number, number, number, number] {
  const len = (i: number, k: number, s: number) => (padding === 'same' ? Math.ceil(i / s) : Math.floor((i - k) / s) + 1);
  return [n, len(h, pool[0], strides[0]), len(w, pool[1], strides[1]), c];
}

function windows(p: PoolCase): Window[] {
  const [n, h, w, c] = p.shape;
  const [, oh, ow] = poolOutShape(p);
  const before = (i: number, o: number, k: number, s: number) => (p.padding === 'same' ? Math.floor(Math.max((o - 1) * s + k - i, 0) / 2) : 0);
  const top = before(h, oh, p.pool[0], p.strides[0]);
  const left = before(w, ow, p.pool[1], p.strides[1]);
  const result: Window[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          const inputs: number[] = [];
          for (let di = 0; di < p.pool[0]; di++)
            for (let dj = 0; dj < p.pool[1]; dj++) {
              const y = i * p.strides[0] - top + di;
              const x = j * p.strides[1] - left + dj;
              if (y >= 0 && y < h && x >= 0 && x < w) inputs.push(((b * h + y) * w + x) * c + ch);
            }
          result.push({ out: ((b * oh + i) * ow + j) * c + ch, inputs });
        }
  return result;
}

/** Max and the flat input index of the first maximum (a NaN wins). */
export function maxPool(x: ArrayLike<number>, p: PoolCase): { y: number[]; argmax: number[] } {
  const y: number[] = [];
  const argmax: number[] = [];
  for (const win of windows(p)) {
    let best = win.inputs[0];
    for (const k of win.inputs) if (Number.isNaN(x[k]) ? !Number.isNaN(x[best]) : x[k] > x[best]) best = k;
    y[win.out] = x[best];
    argmax[win.out] = best;
  }
  return { y, argmax };
}

export function maxPoolBackward(x: ArrayLike<number>, dy: ArrayLike<number>, p: PoolCase): number[] {
  const dx = new Array<number>(x.length).fill(0);
  const { argmax } = maxPool(x, p);
  argmax.forEach((k, o) => (dx[k] += dy[o]));
  return dx;
}

export function avgPool(x: ArrayLike<number>, p: PoolCase): number[] {
  const y: number[] = [];
  for (const win of windows(p)) y[win.out] = win.inputs.reduce((s, k) => s + x[k], 0) / win.inputs.length;
  return y;
}

export function avgPoolBackward(dy: ArrayLike<number>, p: PoolCase): number[] {
  const dx = new Array<number>(p.shape.reduce((a, b) => a * b, 1)).fill(0);
  for (const win of windows(p)) for (const k of win.inputs) dx[k] += dy[win.out] / win.inputs.length;
  return dx;
}
