// A compiled loss program (lib/loss_program.wgsl) in one pass over yTrue and yPred: the sum over
// elements of its value as one double-float partial (hi, lo) per workgroup, which src/ops/reduce.ts
// then sums (scaled) into the loss slots, like sum_forward.wgsl's first pass with a computed
// summand; with GRAD, the same pass writes the gradient grad[i] = scale · d program(yTrue[i],
// yPred[i]) / d yPred[i] (the dual part), where scale carries the reduction's 1/n, the constant
// factors after it and the output's loss weight. Without GRAD, grad is bound but never written.
// Bindings: yTrue, yPred (read, n values each), partials (one pair per workgroup), grad, params.
// Thread → elements: lib/slice_sum.wgsl.
override GRAD: bool = false;

struct Params { n: u32, perGroup: u32, zero: u32, scale: f32, consts: array<vec4f, 8> }
@group(0) @binding(0) var<storage, read> yTrue: array<f32>;
@group(0) @binding(1) var<storage, read> yPred: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

//!include lib/loss_program.wgsl
//!include lib/slice_sum.wgsl

fn summand(i: u32) -> vec2f {
  let r = run_program(yTrue[i], yPred[i]);
  if (GRAD) { grad[i] = params.scale * r.y; }
  return vec2f(r.x, 0.0);
}

fn store_total(g: u32, total: vec2f) {
  partials[2u * g] = total.x;
  partials[2u * g + 1u] = total.y;
}
