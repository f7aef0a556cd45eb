// y[i] = a[i] + b[i] (summing gradients where a tensor feeds several layers).
// Bindings: 0 a (read), 1 b (read), 2 y (write; may not alias a or b), 3 params { n }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  y[i] = a[i] + b[i];
}
