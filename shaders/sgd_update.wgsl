// Plain SGD step (lib/optimizer_rules.wgsl): value += (-lr)·g.
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
@group(0) @binding(2) var<storage, read> hyper: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  return sgd_rule(g, lr);
}
