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
// VEC4 (n a multiple of 4): element i of the slice sum is the i-th vec4, read through yPred4 and
// yTrue4 (the same buffers again) and written through dp4, params.n counting vec4s: one load or
// store per vec4 instead of four (each a loop over the SIMD lanes on llvmpipe); the unused one of
// dp and dp4 is bound to a scratch buffer (two writable bindings of one buffer may not alias).
//!include lib/loss.wgsl

override GRAD: bool = false;
override VEC4: bool = false;

struct Params { n: u32, perGroup: u32, zero: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> dp: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;
@group(0) @binding(5) var<storage, read> yPred4: array<vec4f>;
@group(0) @binding(6) var<storage, read> yTrue4: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> dp4: array<vec4f>;

//!include lib/slice_sum.wgsl

fn gradient(p: f32, y: f32) -> f32 {
  return params.scale * loss_grad(p, y) * activate_grad(p);
}

fn summand(i: u32) -> vec2f {
  if (VEC4) {
    let p = yPred4[i];
    let y = yTrue4[i];
    if (GRAD) { dp4[i] = vec4f(gradient(p.x, y.x), gradient(p.y, y.y), gradient(p.z, y.z), gradient(p.w, y.w)); }
    let low = add_pair(vec2f(loss(p.x, y.x), 0.0), vec2f(loss(p.y, y.y), 0.0));
    let high = add_pair(vec2f(loss(p.z, y.z), 0.0), vec2f(loss(p.w, y.w), 0.0));
    return add_pair(low, high);
  }
  let p = yPred[i];
  let y = yTrue[i];
  if (GRAD) { dp[i] = gradient(p, y); }
  return vec2f(loss(p, y), 0.0);
}

fn store_total(g: u32, total: vec2f) {
  partials[2u * g] = total.x;
  partials[2u * g + 1u] = total.y;
}
