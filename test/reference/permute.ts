// float64 reference of an N-d transpose: y's axis i is x's axis perm[i], by walking y's indices.
export function transposeRef(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float64Array {
  const outShape = perm.map((p) => shape[p]);
  const y = new Float64Array(x.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < y.length; o++) {
    // index is y's multi-index; x's index along axis perm[i] is index[i].
    const src = new Array<number>(shape.length);
    perm.forEach((p, i) => (src[p] = index[i]));
    y[o] = x[src.reduce((flat, v, d) => flat * shape[d] + v, 0)];
    for (let d = outShape.length - 1; d >= 0 && ++index[d] === outShape[d]; d--) index[d] = 0;
  }
  return y;
}
