// Layer normalization over the last axis (rows of `features` values): y = (x − mean[r]) /
// sqrt(var[r] + epsilon) · gamma[f] + beta[f], r = i / features, f = i % features; the row
// statistics come from batch_norm_stats_forward.wgsl on x viewed as [rows, features] (axis 0);
// the affine step is lib/normalize.wgsl's.
//!include lib/normalize.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, features: u32, epsilon: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

fn per_element(i: u32) {
  let r = i / params.features;
  y[i] = normalize(x[i], mean[r], variance[r], i - r * params.features);
}
