// PReLU: y = x where x > 0, alpha[j]·x otherwise, with j = i % features (alpha has a sample's shape).
//!include lib/elementwise.wgsl

struct Params { n: u32, features: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> alpha: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn per_element(i: u32) {
  let v = x[i];
  y[i] = select(alpha[i % params.features] * v, v, v > 0.0);
}
