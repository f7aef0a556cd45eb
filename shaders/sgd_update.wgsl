// Plain SGD step, as TF.js's tf.train.sgd: value += (-lr)·g.
//!include lib/update.wgsl

struct Params { n: u32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read> hyper: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  return lr * g;
}
