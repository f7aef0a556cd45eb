// Plain SGD step, as TF.js's tf.train.sgd: value[i] += (-lr)·grad[i].
// Bindings: 0 value (read-write), 1 grad (read), 2 hyper (read), 3 params { n, scaleIndex, clipValue, weightDecay }.
// Clipping, weight decay and the learning rate (hyper[0]) as in lib/optimizer_step.wgsl.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read> hyper: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
  value[i] = decay_weight(value[i], lr, params.weightDecay) - lr * g;
}
