// Rows of a data set → a batch, on the GPU (see shaders/gather_rows_forward.wgsl).
import { defineKernel, grid1d } from '../runner.js';
import { gather_rows_forward } from '../generated/gather_rows_forward.js';
import { formatShape, Tensor } from '../tensor.js';

interface Gather {
  rowLength: number;
  rows: number;
  first: number;
  scale: number;
  uint8: boolean;
}

const gatherKernel = /* @__PURE__ */ defineKernel({
  shader: gather_rows_forward,
  workgroups: (p: Gather) => grid1d(p.rows * p.rowLength, 64),
  uniforms: ({ rowLength, rows, first, scale }) => ({ rowLength, rows, first, scale }),
  constants: (p) => ({ UINT8: Number(p.uint8) }),
});

/**
 * out[r] = scale · src[indices[first + r]] for each row r of out. src is [N, ...] float32 or uint8;
 * out is [rows, ...] float32 with the same row length.
 */
export function gatherRows(src: Tensor, indices: Tensor<'int32'>, first: number, out: Tensor, scale = 1): Tensor {
  const rowLength = src.size / src.shape[0];
  const rows = out.shape[0];
  if (out.size !== rows * rowLength || src.dtype === 'int32' || out.dtype !== 'float32') {
    throw new Error(`gatherRows: cannot gather rows of ${formatShape(src.shape)} (${src.dtype}) into ${formatShape(out.shape)} (${out.dtype})`);
  }
  if (first + rows > indices.size) throw new Error(`gatherRows: rows ${first}…${first + rows - 1} exceed the ${indices.size} indices`);
  gatherKernel.run([src.buffer, indices.buffer, out.buffer], { rowLength, rows, first, scale, uint8: src.dtype === 'uint8' });
  return out;
}
