// Adadelta step (lib/optimizer_rules.wgsl).
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, rho: f32, oneMinusRho: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// accGrad = slots[0..n), accUpdate = slots[n..2n).
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  var accGrad = slots[i];
  var accUpdate = slots[params.n + i];
  let step = adadelta_rule(g, lr, &accGrad, &accUpdate, params.rho, params.oneMinusRho, params.epsilon);
  slots[i] = accGrad;
  slots[params.n + i] = accUpdate;
  return step;
}
