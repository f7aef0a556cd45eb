// C = op(A)·op(B) (+ bias, activation; or C += ...), the portable kernel: no subgroups, no
// workgroup memory, any shapes. Used where the faster kernels do not apply (see src/tuning.ts).
// Bindings: 0 a (read, f32), 1 b (read, f32), 2 bias (read, f32 [N]; any buffer when !HAS_BIAS),
// 3 c (read_write, f32 [M, N]), 4 params { m, n, k }.
// Thread → elements: invocation (x, y) of workgroup (X, Y) computes the 4×4 block of C at rows
// 4·(8·Y + y) + i, columns 4·(8·X + x) + j. Loads are clamped to valid indices, so edge threads read
// real (unused) values and never fault; only in-range elements are stored.
//!include lib/matmul.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn load_a(row: u32, k: u32) -> f32 {
  return a[select(row * params.k + k, k * params.m + row, TRANSPOSE_A)];
}

fn load_b(k: u32, col: u32) -> f32 {
  return b[select(k * params.n + col, col * params.k + k, TRANSPOSE_B)];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  var rows: vec4u;
  var cols: vec4u;
  for (var i = 0u; i < 4u; i++) {
    rows[i] = min(row0 + i, params.m - 1u);
    cols[i] = min(col0 + i, params.n - 1u);
  }
  var acc: array<vec4f, 4>;
  for (var k = 0u; k < params.k; k++) {
    let bv = vec4f(load_b(k, cols[0]), load_b(k, cols[1]), load_b(k, cols[2]), load_b(k, cols[3]));
    for (var i = 0u; i < 4u; i++) { acc[i] += load_a(rows[i], k) * bv; }
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + j;
      if (row < params.m && col < params.n) {
        let idx = row * params.n + col;
        var bias_value = 0.0;
        var old = 0.0;
        if (HAS_BIAS) { bias_value = bias[col]; }
        if (ACCUMULATE) { old = c[idx]; }
        c[idx] = epilogue(acc[i][j], bias_value, old);
      }
    }
  }
}
