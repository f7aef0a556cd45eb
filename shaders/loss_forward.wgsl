// A built-in loss in one pass over the prediction and target: the sum over elements of
// L(yPred[i], yTrue[i]) (lib/loss.wgsl) as one double-float partial (hi, lo) per workgroup, which
// src/ops/reduce.ts then sums, scaled by weight/n, into the loss slots (Keras's mean over the last
// axis, then over the batch); with GRAD, the same pass writes the gradient
// dp[i] = params.scale · dL(yPred[i], yTrue[i])/dp (scale = weight/n), so a training step reads
// yPred and yTrue once for the loss and its gradient and no per-element loss goes through memory.
// ACT (lib/activation.wgsl; 0, linear, by default) multiplies the gradient by the derivative of the
// activation that produced yPred, act'(yPred) — what the layer's backward would do next in a pass
// of its own (src/execution.ts lossFusableActivation), in the same order, so the result is the same.
// Without GRAD dp is bound but never written. params.zero is 0. Thread → elements: lib/slice_sum.wgsl.
//!include lib/loss.wgsl

override GRAD: bool = false;

struct Params { n: u32, perGroup: u32, zero: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> dp: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

//!include lib/slice_sum.wgsl

fn summand(i: u32) -> vec2f {
  let p = yPred[i];
  let y = yTrue[i];
  if (GRAD) { dp[i] = params.scale * loss_grad(p, y) * activate_grad(p); }
  return vec2f(loss(p, y), 0.0);
}

fn store_total(g: u32, total: vec2f) {
  partials[2u * g] = total.x;
  partials[2u * g + 1u] = total.y;
}
