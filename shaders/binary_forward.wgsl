// y = a OP b with broadcasting (lib/binary.wgsl), four outputs per invocation.
// b is the other operand's buffer again when one is a constant; all arrays are of vec4s (tensor
// buffers are whole vec4s).
// Thread → elements: t = gid.x + gid.y * (num_workgroups.x * 64) writes y[4t .. 4t+3] as one vec4
// (elements past n are computed from in-bounds offsets and land in the buffer's padding).
//!include lib/binary.wgsl

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.x + gid.y * groups.x * 64u;
  if (4u * t >= params.n) { return; }
  if (VEC4) {
    let o = offsets(4u * t);
    let x = load_a4(o.x);
    let z = load_b4(o.y);
    y[t] = vec4f(apply(x.x, z.x), apply(x.y, z.y), apply(x.z, z.z), apply(x.w, z.w));
    return;
  }
  var v = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    let o = offsets(min(4u * t + k, params.n - 1u));
    v[k] = apply(load_a(o.x), load_b(o.y));
  }
  y[t] = v;
}
