// dx[i] = dy[i] * act'(x[i]), with the derivative taken from the forward output y[i].
// Bindings: 0 y (read), 1 dy (read), 2 dx (write), 3 params { n }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  dx[i] = dy[i] * activate_grad(y[i]);
}
