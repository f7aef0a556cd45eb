// Adam step (lib/optimizer_rules.wgsl). β1^t, β2^t come from `powers`, which
// adam_powers_update.wgsl multiplies by (β1, β2) once per step before these updates, so the
// uniform block stays the same every step.
//!include lib/update.wgsl
//!include lib/optimizer_rules.wgsl

struct Params { n: u32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, scaleIndex: u32, clipValue: f32, weightDecay: f32 }
// m = slots[0..n), v = slots[n..2n).
@group(0) @binding(2) var<storage, read_write> slots: array<vec4f>;
// β1^t, β2^t.
@group(0) @binding(3) var<storage, read> powers: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn descent(i: u32, g: vec4f, lr: f32) -> vec4f {
  var m = slots[i];
  var v = slots[params.n + i];
  let step = adam_rule(g, lr, &m, &v, params.beta1, params.oneMinusBeta1, params.beta2, params.oneMinusBeta2, params.epsilon, powers[0], powers[1]);
  slots[i] = m;
  slots[params.n + i] = v;
  return step;
}
