// Softmax over the last axis, numerically stable: y = exp(x - max) / Σ exp(x - max) per row.
// A NaN anywhere in a row makes the whole row NaN: it is carried in m and written out explicitly,
// since exp() of a NaN is not NaN everywhere (SwiftShader returns Inf) and max() may drop a NaN.
// lib/activation.wgsl is included for is_nan only.
// x is rows × len, row-major.
// Thread → element: one row per invocation (rows are short: class scores), three passes over it
// with no barriers; r = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { rows: u32, len: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = gid.x + gid.y * groups.x * 64u;
  if (r >= params.rows) { return; }
  let base = r * params.len;
  var m = x[base];
  for (var k = 1u; k < params.len; k++) {
    let v = x[base + k];
    if (!is_nan(m) && (v > m || is_nan(v))) { m = v; }
  }
  var total = 0.0;
  for (var k = 0u; k < params.len; k++) {
    let e = exp(x[base + k] - m);
    y[base + k] = e;
    total += e;
  }
  let scale = 1.0 / total;
  for (var k = 0u; k < params.len; k++) { y[base + k] = select(y[base + k] * scale, m, is_nan(m)); }
}
