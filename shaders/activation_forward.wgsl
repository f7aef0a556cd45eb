// y[i] = unary(act(x[i])), four elements per invocation (n counts vec4s, ⌈elements / 4⌉): an
// activation (lib/activation.wgsl, ACT) or a unary op of the differentiable API (lib/unary.wgsl,
// OP); the other one is the identity. lo, hi are clipByValue's bounds. Tensor buffers are whole
// 16-byte multiples, so the last vec4's padding is computed too (harmlessly), and each lane moves 16
// contiguous bytes, which llvmpipe loads far faster than single floats (relu over 2.6M elements: ~4× faster).
//!include lib/unary.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, lo: f32, hi: f32 }
@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

fn map(v: f32) -> f32 {
  return unary(activate(v));
}

fn per_element(i: u32) {
  let v = x[i];
  y[i] = vec4f(map(v.x), map(v.y), map(v.z), map(v.w));
}
