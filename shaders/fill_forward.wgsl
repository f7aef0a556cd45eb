// y[i] = value for i < n (zeroing gradient accumulators and optimizer slots).
// Bindings: 0 y (write), 1 params { n, value }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { n: u32, value: f32 }
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  y[i] = params.value;
}
