// Stores one row of a register tile written out as named vec4 halves (see matmul_forward.wgsl): 8
// columns from col, element by element through the includer's `store1(row, col, value)`, which skips
// columns outside the output and applies the kernel's epilogue. A negative row is outside the output.
fn store_row8(row: i32, col: i32, left: vec4f, right: vec4f) {
  if (row < 0) { return; }
  store1(row, col, left.x);
  store1(row, col + 1, left.y);
  store1(row, col + 2, left.z);
  store1(row, col + 3, left.w);
  store1(row, col + 4, right.x);
  store1(row, col + 5, right.y);
  store1(row, col + 6, right.z);
  store1(row, col + 7, right.w);
}
