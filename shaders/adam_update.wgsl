// Adam step, as TF.js's tf.train.adam (epsilon added to the bias-corrected root):
//   m = β1·m + (1-β1)·g        v = β2·v + (1-β2)·g²
//   value += (-lr) · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + ε)
// β1^t, β2^t come from a 2-element buffer that adam_powers_update.wgsl multiplies by (β1, β2) once
// per step before these updates, so the uniform block stays the same every step.
// Bindings: 0 value (read-write), 1 grad (read), 2 slots (read-write: m = slots[0..n), v = slots[n..2n)),
// 3 powers (read: β1^t, β2^t), 4 hyper (read), 5 params { n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, scaleIndex, clipValue, weightDecay }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
// Clipping, weight decay and the learning rate (hyper[0]): lib/optimizer_step.wgsl.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> powers: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
  let m = slots[i] * params.beta1 + g * params.oneMinusBeta1;
  let v = slots[params.n + i] * params.beta2 + g * g * params.oneMinusBeta2;
  slots[i] = m;
  slots[params.n + i] = v;
  let mHat = m / (1.0 - powers[0]);
  let vHat = v / (1.0 - powers[1]);
  value[i] = decay_weight(value[i], lr, params.weightDecay) - mHat / (sqrt(vHat) + params.epsilon) * lr;
}
