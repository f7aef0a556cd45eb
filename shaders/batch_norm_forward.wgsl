// y = (x − mean[c]) / sqrt(var[c] + epsilon) · gamma[c] + beta[c], c the element's channel
// (lib/batch_norm.wgsl); mean and var are the batch's (training) or the moving averages; the affine
// step is lib/normalize.wgsl's.
//!include lib/batch_norm.wgsl
//!include lib/normalize.wgsl
//!include lib/elementwise.wgsl

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
  y[i] = normalize(x[i], mean[c], variance[c], c);
}
