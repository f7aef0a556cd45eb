// RMSprop step (lib/optimizer_rules.wgsl), with the MOMENTUM and CENTERED variants.
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, rho: f32, oneMinusRho: f32, momentum: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// ms = slots[0..n), then mom when MOMENTUM, then mg when CENTERED, n each.
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
@group(0) @binding(3) var<storage, read> hyper: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  let mgAt = select(1u, 2u, MOMENTUM) * params.n + i;
  var ms = slots[i];
  var mom = vec4f();
  var mg = vec4f();
  if (MOMENTUM) { mom = slots[params.n + i]; }
  if (CENTERED) { mg = slots[mgAt]; }
  let step = rmsprop_rule(g, lr, &ms, &mom, &mg, params.rho, params.oneMinusRho, params.momentum, params.epsilon);
  slots[i] = ms;
  if (MOMENTUM) { slots[params.n + i] = mom; }
  if (CENTERED) { slots[mgAt] = mg; }
  return step;
}
