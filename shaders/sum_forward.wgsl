// Sum of n values, times `scale` (1/n gives the mean), as a tree of passes.
// Each pass: workgroup g sums its slice of the input into one partial; the host dispatches passes
// until one partial is left. Partials are double-float pairs (hi, lo) summed with TwoSum, which is
// exact, so the result is the true sum rounded once to f32 (sum of 1…10^7 comes out exact to float32
// rounding) and no single thread ever loops over the whole array.
// x holds n f32 values, or n (hi, lo) pairs when PAIRS; out one (hi, lo) pair per workgroup, or when
// FINAL out[outIndex] = scale * (hi + lo) as one f32 (+= with ACCUMULATE). params.zero is 0.
// Thread → element: workgroup g owns elements [g*perGroup, (g+1)*perGroup); thread t reads every
// 64th of them (coalesced), then the 64 threads' pairs are combined in a workgroup-memory tree.
override PAIRS: bool = false;
override FINAL: bool = false;
override ACCUMULATE: bool = false;

struct Params { n: u32, perGroup: u32, scale: f32, zero: u32, outIndex: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl

fn load(i: u32) -> vec2f {
  if (PAIRS) { return vec2f(x[2u * i], x[2u * i + 1u]); }
  return vec2f(x[i], 0.0);
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = wg.x + wg.y * groups.x;
  let start = g * params.perGroup;
  let end = min(start + params.perGroup, params.n);
  var acc = vec2f(0.0, 0.0);
  for (var i = start + t; i < end; i += 64u) {
    acc = add_pair(acc, load(i));
  }
  let total = workgroup_sum(t, acc);
  if (t == 0u) {
    if (FINAL) {
      let value = params.scale * (total.x + total.y);
      out[params.outIndex] = select(value, out[params.outIndex] + value, ACCUMULATE);
    } else {
      out[2u * g] = total.x;
      out[2u * g + 1u] = total.y;
    }
  }
}
