// SGD with momentum (lib/optimizer_rules.wgsl), its one slot accum.
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, momentum: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read_write> accum: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  var a = accum[i];
  let step = momentum_rule(g, lr, &a, params.momentum);
  accum[i] = a;
  return step;
}
