// Adds the L1/L2 penalty's gradient in place: dx[i] += scale·(l1·sign(x[i]) + 2·l2·x[i]).
// sign(0) = 0 (TensorFlow's d|x|/dx); a NaN x gives a NaN gradient (WGSL's sign(NaN) is unspecified).
// Bindings: 0 x (read), 1 dx (read-write), 2 params { n, l1, l2, scale }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { n: u32, l1: f32, l2: f32, scale: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let v = x[i];
  var g = 0.0;
  if (params.l1 != 0.0) { g += params.l1 * select(sign(v), v, is_nan(v)); }
  if (params.l2 != 0.0) { g += 2.0 * params.l2 * v; }
  dx[i] += params.scale * g;
}
