// y = (x − mean[c]) / sqrt(var[c] + epsilon) · gamma[c] + beta[c], c the element's channel
// (lib/batch_norm.wgsl); mean and var are the batch's (training) or the moving averages. Without
// HAS_GAMMA (scale: false) gamma is 1, without HAS_BETA (center: false) beta is 0, and those
// bindings take any buffer.
//!include lib/batch_norm.wgsl
//!include lib/elementwise.wgsl

override HAS_GAMMA: bool = true;
override HAS_BETA: bool = true;

struct Params { n: u32, channels: u32, inner: u32, epsilon: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

fn per_element(i: u32) {
  let c = channel_of(i);
  var v = (x[i] - mean[c]) * inverseSqrt(variance[c] + params.epsilon);
  if (HAS_GAMMA) { v *= gamma[c]; }
  if (HAS_BETA) { v += beta[c]; }
  y[i] = v;
}
