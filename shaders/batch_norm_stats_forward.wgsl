// Batch statistics of one channel per workgroup: mean[c] and the biased variance var[c] over the
// count = outer·inner elements of channel c (lib/batch_norm.wgsl), in two passes (mean, then the
// mean of squared deviations, as TF.js's moments()) for accuracy. With UPDATE_MOVING the moving
// averages follow, as Keras/TF.js: moving ← moving − (moving − stat)·(1 − momentum).
// Thread → elements: thread t of workgroup c takes elements t, t + 64, … of channel c; the 64
// partial sums meet in lib/workgroup_sum.wgsl.
//!include lib/batch_norm.wgsl
//!include lib/workgroup_sum.wgsl

override UPDATE_MOVING: bool = false;

struct Params { channels: u32, inner: u32, count: u32, momentum: f32, zero: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> variance: array<f32>;
@group(0) @binding(3) var<storage, read_write> moving_mean: array<f32>;
@group(0) @binding(4) var<storage, read_write> moving_variance: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  let c = wg.x;
  var acc = 0.0;
  for (var j = t; j < params.count; j += 64u) { acc += x[channel_element(j, c)]; }
  let m = workgroup_sum(t, vec2f(acc, 0.0)).x / f32(params.count);
  workgroupBarrier();
  acc = 0.0;
  for (var j = t; j < params.count; j += 64u) {
    let d = x[channel_element(j, c)] - m;
    acc += d * d;
  }
  let v = workgroup_sum(t, vec2f(acc, 0.0)).x / f32(params.count);
  if (t == 0u) {
    mean[c] = m;
    variance[c] = v;
    if (UPDATE_MOVING) {
      let decay = 1.0 - params.momentum;
      moving_mean[c] -= (moving_mean[c] - m) * decay;
      moving_variance[c] -= (moving_variance[c] - v) * decay;
    }
  }
}
