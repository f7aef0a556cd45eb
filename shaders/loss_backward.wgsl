// Gradient of the mean loss w.r.t. the prediction: dp[i] = scale · dL(p, y)/dp (lib/loss.wgsl),
// scale = 1/n.
//!include lib/loss.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> dp: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn per_element(i: u32) {
  dp[i] = params.scale * loss_grad(yPred[i], yTrue[i]);
}
