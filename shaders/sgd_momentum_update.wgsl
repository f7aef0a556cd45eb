// SGD with momentum, as TF.js's tf.train.momentum (= Keras's SGD(momentum, nesterov) with the
// velocity stored as accum = -velocity / lr):
//   accum = momentum·accum + g
//   value += (-lr)·accum                       or, with NESTEROV,   value += (-lr)·(g + momentum·accum)
// Bindings: 0 value (read-write), 1 grad (read), 2 accum (read-write), 3 hyper (read), 4 params { n, momentum, scaleIndex, clipValue, weightDecay }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
override NESTEROV: bool = false;

// Clipping, weight decay and the learning rate (hyper[0]): lib/optimizer_step.wgsl.
//!include lib/optimizer_step.wgsl

struct Params { n: u32, momentum: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> accum: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
  let a = params.momentum * accum[i] + g;
  accum[i] = a;
  value[i] = decay_weight(value[i], lr, params.weightDecay) - lr * select(a, g + a * params.momentum, NESTEROV);
}
