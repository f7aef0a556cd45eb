// Adagrad step (lib/optimizer_rules.wgsl), its one slot acc.
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read_write> acc: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  var a = acc[i];
  let step = adagrad_rule(g, lr, &a, params.epsilon);
  acc[i] = a;
  return step;
}
