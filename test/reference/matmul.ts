// float64 reference of the matrix product, with the same transpose conventions as src/ops/matmul.ts.

/** C [m, n] = op(a)·op(b): a is [m, k] (or [k, m] when transposeA), b is [k, n] (or [n, k] when transposeB). */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, transposeA = false, transposeB = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[transposeA ? p * m + i : i * k + p] * b[transposeB ? j * k + p : p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

/** Column sums of y [m, n]. */
export function columnSums(y: ArrayLike<number>, m: number, n: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) s[j] += y[i * n + j];
  return s;
}
