// RMSprop step, as TF.js's tf.train.rmsprop (and Keras):
//   ms = ρ·ms + (1-ρ)·g²                   CENTERED: mg = ρ·mg + (1-ρ)·g,  denominator ms - mg² + ε
//   inc = lr·g / sqrt(ms + ε)  (or the centered denominator)
//   MOMENTUM: mom = momentum·mom + inc, value -= mom;   otherwise value -= inc (what TF.js computes
//   with momentum 0, without storing the slot)
// Centered uses Keras's ms - mg² + ε: TF.js 4.22 writes ms - (mg² + ε), the square root of a
// negative number (NaN) wherever the gradient's running variance is below ε, e.g. a zero gradient.
//!include lib/update.wgsl

override MOMENTUM: bool = false;
override CENTERED: bool = false;

struct Params { n: u32, rho: f32, oneMinusRho: f32, momentum: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// ms = slots[0..n), then mom when MOMENTUM, then mg when CENTERED, n each.
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let ms = slots[i] * params.rho + g * g * params.oneMinusRho;
  slots[i] = ms;
  var denominator = ms + params.epsilon;
  if (CENTERED) {
    let j = select(1u, 2u, MOMENTUM) * params.n + i;
    let mg = slots[j] * params.rho + g * params.oneMinusRho;
    slots[j] = mg;
    denominator = ms - mg * mg + params.epsilon;
  }
  var step = g * lr / sqrt(denominator);
  if (MOMENTUM) {
    step += slots[params.n + i] * params.momentum;
    slots[params.n + i] = step;
  }
  return step;
}
