// Adagrad step, as TF.js's tf.train.adagrad (and Keras):
//   acc += g²        value += (-lr) · g / sqrt(acc + ε)
// acc starts at initialAccumulatorValue (filled when the slot is created).
//!include lib/update.wgsl

struct Params { n: u32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read_write> acc: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let a = acc[i] + g * g;
  acc[i] = a;
  return g / sqrt(a + params.epsilon) * lr;
}
