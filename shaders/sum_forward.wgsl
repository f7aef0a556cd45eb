// Sum of n values, times `scale` (1/n gives the mean), as a tree of passes.
// Each pass: workgroup g sums its slice of the input into one partial; the host dispatches passes
// until one partial is left. Partials are double-float pairs (hi, lo) summed with TwoSum, which is
// exact, so the result is the true sum rounded once to f32 (sum of 1…10^7 comes out exact to float32
// rounding) and no single thread ever loops over the whole array.
// x holds n f32 values, or n (hi, lo) pairs when PAIRS; out one (hi, lo) pair per workgroup, or when
// FINAL out[outIndex] = scale * (hi + lo) as one f32 (+= with ACCUMULATE). params.zero is 0.
// Thread → element: lib/slice_sum.wgsl.
override PAIRS: bool = false;
override FINAL: bool = false;
override ACCUMULATE: bool = false;

struct Params { n: u32, perGroup: u32, scale: f32, zero: u32, outIndex: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

//!include lib/slice_sum.wgsl

fn summand(i: u32) -> vec2f {
  if (PAIRS) { return vec2f(x[2u * i], x[2u * i + 1u]); }
  return vec2f(x[i], 0.0);
}

fn store_total(g: u32, total: vec2f) {
  if (FINAL) {
    let value = params.scale * (total.x + total.y);
    out[params.outIndex] = select(value, out[params.outIndex] + value, ACCUMULATE);
  } else {
    out[2u * g] = total.x;
    out[2u * g + 1u] = total.y;
  }
}
