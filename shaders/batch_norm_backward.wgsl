// dx of batch normalization, c the element's channel, γ = gamma[c] (1 without HAS_GAMMA),
// s = 1 / sqrt(var[c] + epsilon), x̂ = (x − mean[c])·s:
//   TRAINING (batch statistics, which depend on x):  dx = γ·s·(dy − dbeta[c]/count − x̂·dgamma[c]/count)
//   otherwise (moving averages, constants):           dx = γ·s·dy
// with dbeta, dgamma the sums of batch_norm_reduce_backward.wgsl.
//!include lib/batch_norm.wgsl
//!include lib/elementwise.wgsl

override TRAINING: bool = true;
override HAS_GAMMA: bool = true;

struct Params { n: u32, channels: u32, inner: u32, count: u32, epsilon: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> dbeta: array<f32>;
@group(0) @binding(6) var<storage, read> dgamma: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<uniform> params: Params;

fn per_element(i: u32) {
  let c = channel_of(i);
  let s = inverseSqrt(variance[c] + params.epsilon);
  var scale = s;
  if (HAS_GAMMA) { scale *= gamma[c]; }
  var g = dy[i];
  if (TRAINING) {
    let n = f32(params.count);
    let xhat = (x[i] - mean[c]) * s;
    g = g - dbeta[c] / n - xhat * dgamma[c] / n;
  }
  dx[i] = scale * g;
}
