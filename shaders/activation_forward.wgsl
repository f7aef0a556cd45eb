// y[i] = act(x[i]) for i < n.
// Bindings: 0 x (read), 1 y (write), 2 params { n }.
// Thread → element: one element per invocation; the grid is folded into 2-D past 65535 workgroups,
// so i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  y[i] = activate(x[i]);
}
