// Counter-based random numbers: Philox4x32-10 (Salmon et al. 2011; the generator of Random123,
// cuRAND, TF and JAX). It maps a 128-bit counter and a 64-bit key to four u32s, so an element's
// random numbers follow from (seed, step, its index) alone: no state buffer, any thread order, and
// a training step's draws can be regenerated exactly (dropout's backward pass does).
// The kernels use counter = (block, step_lo, step_hi, stream) and key = (seed_lo, seed_hi), one
// block per 4 consecutive elements; `stream` keeps noise and dropout apart under one (seed, step).
const PI: f32 = 3.14159265358979;

// The full 64-bit product a·b as (hi, lo). WGSL has no mulhi: hi is assembled from 16-bit halves.
fn mul_wide(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let cross0 = a1 * b0;
  let cross1 = a0 * b1;
  let carry = ((a0 * b0) >> 16u) + (cross0 & 0xffffu) + (cross1 & 0xffffu);
  return vec2u(a1 * b1 + (cross0 >> 16u) + (cross1 >> 16u) + (carry >> 16u), a * b);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let p0 = mul_wide(0xD2511F53u, c.x);
    let p1 = mul_wide(0xCD9E8D57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k += vec2u(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

// Two independent N(0, 1) samples from two u32s (Box–Muller). u is in (0, 1] so log(u) is finite
// (the tails are cut at 5.77σ, a probability of 8e-9); the angle is kept in [-π, π), where WGSL's
// cos and sin are accurate.
fn box_muller(a: u32, b: u32) -> vec2f {
  let u = f32((a >> 8u) + 1u) * 0x1p-24f;
  let angle = (f32(b >> 8u) * 0x1p-23f - 1.0) * PI;
  return sqrt(-2.0 * log(u)) * vec2f(cos(angle), sin(angle));
}
