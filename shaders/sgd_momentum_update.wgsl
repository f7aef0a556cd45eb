// SGD with momentum, as TF.js's tf.train.momentum (= Keras's SGD(momentum, nesterov) with the
// velocity stored as accum = -velocity / lr):
//   accum = momentum·accum + g
//   value += (-lr)·accum                       or, with NESTEROV,   value += (-lr)·(g + momentum·accum)
//!include lib/update.wgsl

override NESTEROV: bool = false;

struct Params { n: u32, momentum: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read_write> accum: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let a = params.momentum * accum[i] + g;
  accum[i] = a;
  return lr * select(a, g + a * params.momentum, NESTEROV);
}
