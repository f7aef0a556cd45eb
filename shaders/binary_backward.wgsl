// The gradient of y = a OP b with respect to one operand, at y's (broadcast) shape: dx = dy · ∂y/∂a
// (WRT_B false) or dy · ∂y/∂b (WRT_B true), from lib/binary.wgsl's grad(). The host then sums dx
// over the axes that operand was broadcast along (src/ops/axis.ts, reduceToShape).
// dy and dx have y's shape; all arrays are of vec4s. Thread → elements: as binary_forward.wgsl.
//!include lib/binary.wgsl

override WRT_B: bool = false;

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read> dy: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.x + gid.y * groups.x * 64u;
  if (4u * t >= params.n) { return; }
  let g = dy[t];
  if (VEC4) {
    let o = offsets(4u * t);
    let x = load_a4(o.x);
    let z = load_b4(o.y);
    dx[t] = vec4f(grad(x.x, z.x, g.x, WRT_B), grad(x.y, z.y, g.y, WRT_B), grad(x.z, z.z, g.z, WRT_B), grad(x.w, z.w, g.w, WRT_B));
    return;
  }
  var v = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    let o = offsets(min(4u * t + k, params.n - 1u));
    v[k] = grad(load_a(o.x), load_b(o.y), g[k], WRT_B);
  }
  dx[t] = v;
}
