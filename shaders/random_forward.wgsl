// Fresh random tensors from Philox (lib/random.wgsl): y = mean + stddev · N(0, 1) (DIST 0, TF.js's
// randomNormal) or y = lo + (hi - lo) · U[0, 1) (DIST 1, randomUniform); a (seed, step) reproduces them.
// (a, b) = (mean, stddev) or (lo, hi); n counts vec4s.
// Thread → elements: invocation t draws one Philox block (counter (t, step, STREAM)) and writes
// elements 4t .. 4t+3 as one vec4.
//!include lib/random.wgsl
//!include lib/elementwise.wgsl

override DIST: u32 = 0u;
const STREAM: u32 = 3u;

struct Params { n: u32, seed_lo: u32, seed_hi: u32, step_lo: u32, step_hi: u32, a: f32, b: f32 }
@group(0) @binding(0) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(1) var<uniform> params: Params;

fn per_element(t: u32) {
  let r = philox4x32_10(vec4u(t, params.step_lo, params.step_hi, STREAM), vec2u(params.seed_lo, params.seed_hi));
  if (DIST == 1u) {
    // 24 random bits: uniform on a grid of 2^-24 in [0, 1), so hi is never reached.
    let u = vec4f(r >> vec4u(8u)) * 0x1p-24f;
    y[t] = params.a + (params.b - params.a) * u;
    return;
  }
  y[t] = params.a + params.b * vec4f(box_muller(r.x, r.y), box_muller(r.z, r.w));
}
