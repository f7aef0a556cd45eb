// dx[i] = dy[i] * act'(s[i]) * unary'(s[i]), four elements per invocation, like
// activation_forward.wgsl (and for the same reason). s is what the derivative is taken from: the
// forward output y for an activation (ACT, OP the identity), the input x for a unary op (OP, ACT linear).
// Bindings: 0 s (read), 1 dy (read), 2 dx (write), 3 params { n4 = ⌈n / 4⌉, lo, hi }; all as vec4 arrays.
// Thread → elements: one vec4 per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/unary.wgsl

struct Params { n4: u32, lo: f32, hi: f32 }
@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

fn slope(v: f32) -> f32 {
  return activate_grad(v) * unary_grad(v);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n4) { return; }
  let v = s[i];
  dx[i] = dy[i] * vec4f(slope(v.x), slope(v.y), slope(v.z), slope(v.w));
}
