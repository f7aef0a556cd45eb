// Layer normalization's input gradient, one row per workgroup. With s = 1/sqrt(var[r] + epsilon),
// x̂ = (x − mean[r])·s and g = dy·gamma[f] (dy without HAS_GAMMA), over the row's F values:
//   dx = s·(g − Σg/F − x̂·Σ(g·x̂)/F)
// It also writes dy·x̂, whose column sums (src/ops/matmul.ts biasGrad) are gamma's gradient.
// Thread → elements: thread t of workgroup r takes the row's values t, t + 64, …; the two sums
// meet in lib/workgroup_sum.wgsl.
//!include lib/workgroup_sum.wgsl

override HAS_GAMMA: bool = true;

struct Params { features: u32, epsilon: f32, zero: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<storage, read_write> dy_xhat: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

fn scaled(i: u32, f: u32) -> f32 {
  if (HAS_GAMMA) { return dy[i] * gamma[f]; }
  return dy[i];
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  let row = wg.x * params.features;
  let m = mean[wg.x];
  let s = inverseSqrt(variance[wg.x] + params.epsilon);
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var f = t; f < params.features; f += 64u) {
    let g = scaled(row + f, f);
    let xhat = (x[row + f] - m) * s;
    sum_g += g;
    sum_gx += g * xhat;
    dy_xhat[row + f] = dy[row + f] * xhat;
  }
  let mean_g = workgroup_sum(t, vec2f(sum_g, 0.0)).x / f32(params.features);
  workgroupBarrier();
  let mean_gx = workgroup_sum(t, vec2f(sum_gx, 0.0)).x / f32(params.features);
  for (var f = t; f < params.features; f += 64u) {
    let xhat = (x[row + f] - m) * s;
    dx[row + f] = s * (scaled(row + f, f) - mean_g - xhat * mean_gx);
  }
}
