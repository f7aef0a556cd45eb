// PReLU's gradients: dx = dy where x > 0, alpha[j]·dy otherwise; and dy·x where x ≤ 0 (0 elsewhere)
// into dalpha_terms, whose sums over the batch (src/ops/matmul.ts biasGrad) are alpha's gradient.
//!include lib/elementwise.wgsl

struct Params { n: u32, features: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> alpha: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read_write> dalpha_terms: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn per_element(i: u32) {
  let v = x[i];
  let g = dy[i];
  let positive = v > 0.0;
  dx[i] = select(alpha[i % params.features] * g, g, positive);
  dalpha_terms[i] = select(g * v, 0.0, positive);
}
