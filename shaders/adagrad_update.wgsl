// Adagrad step, as TF.js's tf.train.adagrad (and Keras):
//   acc += g²        value += (-lr) · g / sqrt(acc + ε)
// acc starts at initialAccumulatorValue (filled when the slot is created).
// Bindings: 0 value (read-write), 1 grad (read), 2 acc (read-write), 3 hyper (read), 4 params { n, epsilon, scaleIndex, clipValue, weightDecay }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
// Clipping, weight decay and the learning rate (hyper[0]): lib/optimizer_step.wgsl.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> acc: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
  let a = acc[i] + g * g;
  acc[i] = a;
  value[i] = decay_weight(value[i], lr, params.weightDecay) - g / sqrt(a + params.epsilon) * lr;
}
