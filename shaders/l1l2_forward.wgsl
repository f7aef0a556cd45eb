// Per-element L1/L2 penalty e[i] = l1·|x[i]| + l2·x[i]²; the host sums e with the caller's scale.
// A zero coefficient drops its term entirely (as Keras does), so 0·|inf| never makes a NaN.
// Bindings: 0 x (read), 1 e (write), 2 params { n, l1, l2 }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { n: u32, l1: f32, l2: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> e: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let v = x[i];
  var penalty = 0.0;
  if (params.l1 != 0.0) { penalty += params.l1 * abs(v); }
  if (params.l2 != 0.0) { penalty += params.l2 * v * v; }
  e[i] = penalty;
}
