// RMSprop step, as TF.js's tf.train.rmsprop (and Keras):
//   ms = ρ·ms + (1-ρ)·g²                   CENTERED: mg = ρ·mg + (1-ρ)·g,  denominator ms - mg² + ε
//   inc = lr·g / sqrt(ms + ε)  (or the centered denominator)
//   MOMENTUM: mom = momentum·mom + inc, value -= mom;   otherwise value -= inc (what TF.js computes
//   with momentum 0, without storing the slot)
// Centered uses Keras's ms - mg² + ε: TF.js 4.22 writes ms - (mg² + ε), the square root of a
// negative number (NaN) wherever the gradient's running variance is below ε, e.g. a zero gradient.
// Bindings: 0 value (read-write), 1 grad (read), 2 slots (read-write: ms = slots[0..n), then mom
// when MOMENTUM, then mg when CENTERED, n each), 3 hyper (read), 4 params { n, rho, oneMinusRho, momentum, epsilon, scaleIndex, clipValue, weightDecay }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
override MOMENTUM: bool = false;
override CENTERED: bool = false;

// Clipping, weight decay and the learning rate (hyper[0]): lib/optimizer_step.wgsl.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, rho: f32, oneMinusRho: f32, momentum: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
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
  value[i] = decay_weight(value[i], lr, params.weightDecay) - step;
}
