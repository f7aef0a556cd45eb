// Adam step, as TF.js's tf.train.adam (epsilon added to the bias-corrected root):
//   m = β1·m + (1-β1)·g        v = β2·v + (1-β2)·g²
//   value += (-lr) · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + ε)
// β1^t, β2^t come from `powers`, which adam_powers_update.wgsl multiplies by (β1, β2) once per step
// before these updates, so the uniform block stays the same every step.
//!include lib/update.wgsl

struct Params { n: u32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// m = slots[0..n), v = slots[n..2n).
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
// β1^t, β2^t.
@group(0) @binding(3) var<storage, read> powers: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let m = slots[i] * params.beta1 + g * params.oneMinusBeta1;
  let v = slots[params.n + i] * params.beta2 + g * g * params.oneMinusBeta2;
  slots[i] = m;
  slots[params.n + i] = v;
  let mHat = m / (1.0 - powers[0]);
  let vHat = v / (1.0 - powers[1]);
  return mHat / (sqrt(vHat) + params.epsilon) * lr;
}
