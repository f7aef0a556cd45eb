// float64 reference of softmax over the last axis (rows of length len) and its gradient.
export function softmax(x: ArrayLike<number>, len: number): number[] {
  const y: number[] = [];
  for (let base = 0; base < x.length; base += len) {
    const row = Array.from({ length: len }, (_, k) => x[base + k]);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    y.push(...e.map((v) => v / total));
  }
  return y;
}

/** The gradient of Σ dy · softmax(x): J^T dy per row, with J = diag(y) - y yᵀ. */
export function softmaxBackward(x: ArrayLike<number>, dy: ArrayLike<number>, len: number): number[] {
  const y = softmax(x, len);
  const dx: number[] = [];
  for (let base = 0; base < x.length; base += len) {
    for (let i = 0; i < len; i++) {
      let g = 0;
      for (let j = 0; j < len; j++) g += dy[base + j] * y[base + j] * ((i === j ? 1 : 0) - y[base + i]);
      dx.push(g);
    }
  }
  return dx;
}
