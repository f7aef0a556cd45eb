// dx[i] = dy[i] * act'(x[i]), with the derivative taken from the forward output y[i]; four
// elements per invocation, like activation_forward.wgsl (and for the same reason).
// Bindings: 0 y (read), 1 dy (read), 2 dx (write), 3 params { n4 = ⌈n / 4⌉ }; all as vec4 arrays.
// Thread → elements: one vec4 per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { n4: u32 }
@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n4) { return; }
  let v = y[i];
  dx[i] = dy[i] * vec4f(activate_grad(v.x), activate_grad(v.y), activate_grad(v.z), activate_grad(v.w));
}
