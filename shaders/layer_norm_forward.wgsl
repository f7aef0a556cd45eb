// Layer normalization over the last axis (rows of `features` values): y = (x − mean[r]) /
// sqrt(var[r] + epsilon) · gamma[f] + beta[f], r = i / features, f = i % features; the row
// statistics come from batch_norm_stats_forward.wgsl on x viewed as [rows, features] (axis 0).
// Without HAS_GAMMA (scale: false) gamma is 1, without HAS_BETA (center: false) beta is 0.
//!include lib/elementwise.wgsl

override HAS_GAMMA: bool = true;
override HAS_BETA: bool = true;

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
  let f = i - r * params.features;
  var v = (x[i] - mean[r]) * inverseSqrt(variance[r] + params.epsilon);
  if (HAS_GAMMA) { v *= gamma[f]; }
  if (HAS_BETA) { v += beta[f]; }
  y[i] = v;
}
