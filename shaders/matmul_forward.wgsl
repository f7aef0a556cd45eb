// C = op(A)·op(B) (+ bias, activation; or C += ...), the portable kernel: no subgroups, no
// workgroup memory, any shapes. Used where the faster kernels do not apply (see src/tuning.ts).
// Shapes: c [M, N], bias [N] (any buffer when !HAS_BIAS).
// Thread → elements: invocation x of workgroup (X, Y, Z) computes the 8×8 block of C at rows
// 8·(Y + Z·num_workgroups.y) + i (folded past 65535 row blocks), columns 8·(32·X + x) + j. Loads are clamped to valid indices, so edge threads read real (unused)
// values and never fault; only in-range elements are stored.
// Written out by hand, with no arrays and no loops over the tile: SwiftShader's Subzero JIT keeps
// function-scope arrays in memory and does not unroll, which made the same tile with arrays 4–8×
// slower there (lavapipe's LLVM unrolls either form alike).
//!include lib/matmul.wgsl
//!include lib/store_row8.wgsl

struct Params { m: u32, n: u32, k: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn load_a(row: u32, k: u32) -> f32 {
  return a[select(row * params.k + k, k * params.m + row, TRANSPOSE_A)];
}

// op(B)[k, col .. col+3], columns clamped to the last one.
fn load_b4(k: u32, col: u32) -> vec4f {
  let last = params.n - 1u;
  let cols = min(vec4u(col) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  if (TRANSPOSE_B) {
    let at = cols * params.k + k;
    return vec4f(b[at.x], b[at.y], b[at.z], b[at.w]);
  }
  let at = k * params.n + cols;
  return vec4f(b[at.x], b[at.y], b[at.z], b[at.w]);
}

fn store1(row: i32, col: i32, value: f32) {
  if (u32(col) >= params.n) { return; }
  let idx = u32(row) * params.n + u32(col);
  var bias_value = 0.0;
  var old = 0.0;
  if (HAS_BIAS) { bias_value = bias[col]; }
  if (ACCUMULATE) { old = c[idx]; }
  c[idx] = epilogue(value, bias_value, old);
}

// Row r of C, or -1 past the last one (lib/store_row8.wgsl).
fn out_row(r: u32) -> i32 {
  return select(-1, i32(r), r < params.m);
}

@compute @workgroup_size(32)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row0 = (gid.y + gid.z * groups.y) * 8u;
  let col0 = gid.x * 8u;
  if (row0 >= params.m || col0 >= params.n) { return; }
  let last = params.m - 1u;
  let r0 = row0;
  let r1 = min(row0 + 1u, last);
  let r2 = min(row0 + 2u, last);
  let r3 = min(row0 + 3u, last);
  let r4 = min(row0 + 4u, last);
  let r5 = min(row0 + 5u, last);
  let r6 = min(row0 + 6u, last);
  let r7 = min(row0 + 7u, last);
  // acc<row><half>: half 0 holds columns col0 .. col0+3, half 1 col0+4 .. col0+7.
  var acc00 = vec4f(); var acc01 = vec4f();
  var acc10 = vec4f(); var acc11 = vec4f();
  var acc20 = vec4f(); var acc21 = vec4f();
  var acc30 = vec4f(); var acc31 = vec4f();
  var acc40 = vec4f(); var acc41 = vec4f();
  var acc50 = vec4f(); var acc51 = vec4f();
  var acc60 = vec4f(); var acc61 = vec4f();
  var acc70 = vec4f(); var acc71 = vec4f();
  for (var k = 0u; k < params.k; k++) {
    let b0 = load_b4(k, col0);
    let b1 = load_b4(k, col0 + 4u);
    var av = load_a(r0, k); acc00 += av * b0; acc01 += av * b1;
    av = load_a(r1, k); acc10 += av * b0; acc11 += av * b1;
    av = load_a(r2, k); acc20 += av * b0; acc21 += av * b1;
    av = load_a(r3, k); acc30 += av * b0; acc31 += av * b1;
    av = load_a(r4, k); acc40 += av * b0; acc41 += av * b1;
    av = load_a(r5, k); acc50 += av * b0; acc51 += av * b1;
    av = load_a(r6, k); acc60 += av * b0; acc61 += av * b1;
    av = load_a(r7, k); acc70 += av * b0; acc71 += av * b1;
  }
  let col = i32(col0);
  store_row8(out_row(row0), col, acc00, acc01);
  store_row8(out_row(row0 + 1u), col, acc10, acc11);
  store_row8(out_row(row0 + 2u), col, acc20, acc21);
  store_row8(out_row(row0 + 3u), col, acc30, acc31);
  store_row8(out_row(row0 + 4u), col, acc40, acc41);
  store_row8(out_row(row0 + 5u), col, acc50, acc51);
  store_row8(out_row(row0 + 6u), col, acc60, acc61);
  store_row8(out_row(row0 + 7u), col, acc70, acc71);
}
