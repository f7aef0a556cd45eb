// Adadelta step, as TF.js's tf.train.adadelta, whose update divides by the accumulated gradient of
// the previous step (Keras uses the new one; TF.js is the reference the models are tested against):
//   upd = sqrt(accUpdate + ε) / sqrt(accGrad + ε) · g          (old accGrad)
//   accGrad = ρ·accGrad + (1-ρ)·g²      accUpdate = ρ·accUpdate + (1-ρ)·upd²      value += (-lr)·upd
//!include lib/update.wgsl

struct Params { n: u32, rho: f32, oneMinusRho: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// accGrad = slots[0..n), accUpdate = slots[n..2n).
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let accGrad = slots[i];
  let accUpdate = slots[params.n + i];
  let upd = sqrt(accUpdate + params.epsilon) / sqrt(accGrad + params.epsilon) * g;
  slots[i] = accGrad * params.rho + g * g * params.oneMinusRho;
  slots[params.n + i] = accUpdate * params.rho + upd * upd * params.oneMinusRho;
  return upd * lr;
}
