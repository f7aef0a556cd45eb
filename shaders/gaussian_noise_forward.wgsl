// y = x + stddev · N(0, 1), clipped to [lo, hi] when CLIP (a NaN stays NaN: clamp() might turn it
// into a bound). The noise is Philox's (lib/random.wgsl): a (seed, step) reproduces it exactly.
// Thread → element: invocation t draws one Philox block (counter (t, step, STREAM)) and writes the
// four elements 4t .. 4t+3; t = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/random.wgsl
//!include lib/activation.wgsl

override CLIP: bool = false;
const STREAM: u32 = 1u;

struct Params { n: u32, seed_lo: u32, seed_hi: u32, step_lo: u32, step_hi: u32, stddev: f32, lo: f32, hi: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.x + gid.y * groups.x * 64u;
  if (4u * t >= params.n) { return; }
  let r = philox4x32_10(vec4u(t, params.step_lo, params.step_hi, STREAM), vec2u(params.seed_lo, params.seed_hi));
  let z = vec4f(box_muller(r.x, r.y), box_muller(r.z, r.w));
  for (var k = 0u; k < 4u; k++) {
    let i = 4u * t + k;
    if (i < params.n) {
      var v = x[i] + params.stddev * z[k];
      if (CLIP && !is_nan(v)) { v = clamp(v, params.lo, params.hi); }
      y[i] = v;
    }
  }
}
