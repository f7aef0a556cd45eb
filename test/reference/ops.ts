// float64 references of the differentiable ops (src/math.ts): NumPy/TF.js broadcasting, reductions
// along axes, concat, and a central finite difference to check any gradient against.

export type Shape = readonly number[];

function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

export function broadcastShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('shapes do not broadcast');
    return Math.max(da, db);
  });
}

/** The element of x (shape) that output coordinate `coords` (of a broadcast shape) reads. */
function readAt(x: ArrayLike<number>, shape: Shape, coords: number[]): number {
  const lead = coords.length - shape.length;
  const strides = stridesOf(shape);
  let o = 0;
  for (let d = 0; d < shape.length; d++) o += (shape[d] === 1 ? 0 : coords[lead + d]) * strides[d];
  return x[o];
}

function coordsOf(i: number, shape: Shape): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return c;
}

/** f(a, b) elementwise with broadcasting, in float64. */
export function binary(f: (x: number, y: number) => number, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): Float64Array {
  const out = broadcastShape(aShape, bShape);
  return Float64Array.from({ length: sizeOf(out) }, (_, i) => {
    const c = coordsOf(i, out);
    return f(readAt(a, aShape, c), readAt(b, bShape, c));
  });
}

/** TF.js's pow: a negative base keeps its sign under an odd integer exponent. */
export function pow(x: number, y: number): number {
  return Math.pow(x, y);
}

export const BINARY: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow,
  maximum: Math.max,
  minimum: Math.min,
  squaredDifference: (x, y) => (x - y) ** 2,
};

export const UNARY: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  abs: Math.abs,
  reciprocal: (x) => 1 / x,
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

/** Reduction of x over axes (sorted), in float64; keepDims only changes the shape, not the values. */
export function reduce(op: 'sum' | 'mean' | 'max' | 'min', x: ArrayLike<number>, shape: Shape, axes: number[]): Float64Array {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(sizeOf(outShape)).fill(op === 'max' ? -Infinity : op === 'min' ? Infinity : 0);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < x.length; i++) {
    const c = coordsOf(i, shape);
    const o = c.reduce((acc, v, d) => acc + (axes.includes(d) ? 0 : v) * outStrides[d], 0);
    if (op === 'max') out[o] = Math.max(out[o], x[i]);
    else if (op === 'min') out[o] = Math.min(out[o], x[i]);
    else out[o] += x[i];
  }
  if (op === 'mean') {
    const count = axes.reduce((n, a) => n * shape[a], 1);
    for (let i = 0; i < out.length; i++) out[i] /= count;
  }
  return out;
}

/** The tensors (with shapes) joined along axis. */
export function concat(parts: { data: ArrayLike<number>; shape: Shape }[], axis: number): Float64Array {
  const rows = sizeOf(parts[0].shape.slice(0, axis));
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (const p of parts) {
      const cols = sizeOf(p.shape.slice(axis));
      for (let c = 0; c < cols; c++) out.push(p.data[r * cols + c]);
    }
  }
  return Float64Array.from(out);
}

/** Row-major [m, k] · [k, n] in float64. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

/** The transpose of a row-major [rows, cols] matrix. */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** Central finite differences of a scalar function at every element of inputs[which]. */
export function finiteDifference(loss: (inputs: Float64Array[]) => number, inputs: Float64Array[], which: number, h = 1e-6): Float64Array {
  const x = inputs[which];
  return Float64Array.from(x, (v, i) => {
    const at = (d: number) => {
      const moved = Float64Array.from(x);
      moved[i] = v + d;
      return loss(inputs.map((t, j) => (j === which ? moved : t)));
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

/** Σ w · y: the scalar whose gradient is what backward returns for upstream gradient w. */
export function dot(w: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}
