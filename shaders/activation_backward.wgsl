// dx[i] = dy[i] * act'(s[i]) * unary'(s[i]), four elements per invocation (n counts vec4s), like
// activation_forward.wgsl and for the same reason. s is what the derivative is taken from: the
// forward output y for an activation (ACT, OP the identity), the input x for a unary op (OP, ACT linear).
//!include lib/unary.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, lo: f32, hi: f32 }
@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

fn slope(v: f32) -> f32 {
  return activate_grad(v) * unary_grad(v);
}

fn per_element(i: u32) {
  let v = s[i];
  dx[i] = dy[i] * vec4f(slope(v.x), slope(v.y), slope(v.z), slope(v.w));
}
