// The per-channel sums batch normalization's gradients need, one channel per workgroup:
//   dbeta[c] = Σ dy           dgamma[c] = Σ dy · x̂,   x̂ = (x − mean[c]) / sqrt(var[c] + epsilon)
// over the channel's count = outer·inner elements (lib/batch_norm.wgsl). They are beta's and
// gamma's gradients, and batch_norm_backward.wgsl's input in training mode.
// Thread → elements: as batch_norm_stats_forward.wgsl.
//!include lib/batch_norm.wgsl
//!include lib/workgroup_sum.wgsl

struct Params { channels: u32, inner: u32, count: u32, epsilon: f32, zero: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  let c = wg.x;
  let m = mean[c];
  let inv = inverseSqrt(variance[c] + params.epsilon);
  var sum_dy = 0.0;
  var sum_dy_xhat = 0.0;
  for (var j = t; j < params.count; j += 64u) {
    let k = channel_element(j, c);
    sum_dy += dy[k];
    sum_dy_xhat += dy[k] * (x[k] - m) * inv;
  }
  let db = workgroup_sum(t, vec2f(sum_dy, 0.0)).x;
  workgroupBarrier();
  let dg = workgroup_sum(t, vec2f(sum_dy_xhat, 0.0)).x;
  if (t == 0u) {
    dbeta[c] = db;
    dgamma[c] = dg;
  }
}
