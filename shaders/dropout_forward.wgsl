// Inverted dropout: y = x · scale where Philox's u32 for the element is ≥ threshold, else 0
// (threshold = rate · 2³², scale = 1 / (1 - rate)). The same kernel applied to dy is the backward
// pass: a (seed, step) regenerates exactly the same mask, so no mask is stored.
// Thread → element: invocation t draws one Philox block (counter (t, step, STREAM)) and writes the
// four elements 4t .. 4t+3, element 4t+k kept by word k; t = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/random.wgsl

const STREAM: u32 = 2u;

struct Params { n: u32, seed_lo: u32, seed_hi: u32, step_lo: u32, step_hi: u32, threshold: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.x + gid.y * groups.x * 64u;
  if (4u * t >= params.n) { return; }
  let r = philox4x32_10(vec4u(t, params.step_lo, params.step_hi, STREAM), vec2u(params.seed_lo, params.seed_hi));
  for (var k = 0u; k < 4u; k++) {
    let i = 4u * t + k;
    // select, not a multiply by 0: a dropped NaN or Inf becomes 0 (as TF's dropout does).
    if (i < params.n) { y[i] = select(0.0, x[i] * params.scale, r[k] >= params.threshold); }
  }
}
