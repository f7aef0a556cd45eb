// Adds the L1/L2 penalty's gradient in place: dx[i] += scale·(l1·sign(x[i]) + 2·l2·x[i]).
//!include lib/l1l2.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, l1: f32, l2: f32, scale: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn per_element(i: u32) {
  dx[i] += params.scale * penalty_grad(x[i]);
}
