// Adadelta step, as TF.js's tf.train.adadelta, whose update divides by the accumulated gradient of
// the previous step (Keras uses the new one; TF.js is the reference the models are tested against):
//   upd = sqrt(accUpdate + ε) / sqrt(accGrad + ε) · g          (old accGrad)
//   accGrad = ρ·accGrad + (1-ρ)·g²      accUpdate = ρ·accUpdate + (1-ρ)·upd²      value += (-lr)·upd
// Bindings: 0 value (read-write), 1 grad (read), 2 slots (read-write: accGrad = slots[0..n),
// accUpdate = slots[n..2n)), 3 hyper (read), 4 params { n, rho, oneMinusRho, epsilon, scaleIndex, clipValue, weightDecay }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
// Clipping, weight decay and the learning rate (hyper[0]): lib/optimizer_step.wgsl.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, rho: f32, oneMinusRho: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
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
  let accGrad = slots[i];
  let accUpdate = slots[params.n + i];
  let upd = sqrt(accUpdate + params.epsilon) / sqrt(accGrad + params.epsilon) * g;
  slots[i] = accGrad * params.rho + g * g * params.oneMinusRho;
  slots[params.n + i] = accUpdate * params.rho + upd * upd * params.oneMinusRho;
  value[i] = decay_weight(value[i], lr, params.weightDecay) - upd * lr;
}
