// C = op(A)·op(B) (+ bias, activation; or C += ...) for CPU adapters (lavapipe), where a workgroup
// of 8 invocations is one 8-lane SIMD subgroup: lib/matmul_subgroup.wgsl computes the block, this
// kernel's epilogue stores it. Shapes: c [M, N], bias [N] (any buffer when !HAS_BIAS).
// Thread → elements: workgroup (X, Y) computes rows ROWS·Y .. ROWS·Y + ROWS - 1 and columns
// 32·X .. 32·X + 31 of C; lane l holds columns 4·(8·X + l) .. +3 of each of those rows.
enable subgroups;
//!include lib/matmul_subgroup.wgsl

struct Params { m: u32, n: u32, k: u32 }
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(4) var<uniform> params: Params;

fn store_rows(row0: u32, col4: u32, acc: ptr<function, array<vec4f, MAX_ROWS>>) {
  let n4 = params.n / 4u;
  var bias4 = vec4f();
  if (HAS_BIAS) { bias4 = bias[col4]; }
  for (var i = 0u; i < ROWS; i++) {
    let row = row0 + i;
    if (row < params.m) {
      let idx = row * n4 + col4;
      var old = vec4f();
      if (ACCUMULATE) { old = c[idx]; }
      var v: vec4f;
      for (var q = 0u; q < 4u; q++) { v[q] = epilogue((*acc)[i][q], bias4[q], old[q]); }
      c[idx] = v;
    }
  }
}
