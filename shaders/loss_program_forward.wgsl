// The sum over elements of a compiled loss program's value (lib/loss_program.wgsl), as one
// double-float partial (hi, lo) per workgroup; src/ops/reduce.ts then sums the partials (scaled)
// into the loss slot. Like sum_forward.wgsl's first pass, but the summand is computed, not read.
// Bindings: yTrue, yPred (read, n values each), partials (write, one pair per workgroup), params.
// Thread → elements: lib/slice_sum.wgsl.
struct Params { n: u32, perGroup: u32, zero: u32, consts: array<vec4f, 8> }
@group(0) @binding(0) var<storage, read> yTrue: array<f32>;
@group(0) @binding(1) var<storage, read> yPred: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

//!include lib/loss_program.wgsl
//!include lib/slice_sum.wgsl

fn summand(i: u32) -> vec2f {
  return vec2f(run_program(yTrue[i], yPred[i]).x, 0.0);
}

fn store_total(g: u32, total: vec2f) {
  partials[2u * g] = total.x;
  partials[2u * g + 1u] = total.y;
}
