// The weight gradient's GEMM with the optimizer's update as its epilogue: for a weight W [M, N]
// whose gradient is G = op(A)·op(B) (a Dense kernel's dW = xᵀ·dz), each element of G is computed
// in registers and applied at once, W ← decay(W) - rule(clip(G)), updating the rule's slots, so
// G is neither written nor read back. The product is lib/matmul_subgroup.wgsl's (lavapipe); the
// rule is lib/optimizer_rules.wgsl's, clipping and decay lib/optimizer_step.wgsl's, as in the
// standalone update kernels (shaders/*_update.wgsl), which give the same weights.
// Not fused (src/optimizers.ts decides): clipping by norm, which needs the whole gradient first.
// RULE: 0 sgd, 1 momentum, 2 adam, 3 adadelta, 4 rmsprop, 5 adagrad; SLOTS rows in `slots`, each
// `stride` vec4s long, in the order the standalone kernel keeps them.
// Thread → elements: as lib/matmul_subgroup.wgsl, each lane updating 4 columns of ROWS rows.
enable subgroups;
//!include lib/matmul_subgroup.wgsl
//!include lib/optimizer_step.wgsl
//!include lib/optimizer_rules.wgsl

override RULE: u32 = 0u;
override SLOTS: u32 = 0u;

struct Params { m: u32, n: u32, k: u32, stride: u32, clipValue: f32, weightDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, rho: f32, oneMinusRho: f32, momentum: f32 }
@group(0) @binding(2) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> slots: array<vec4f>;
// β1^t, β2^t (Adam; any buffer otherwise).
@group(0) @binding(4) var<storage, read> powers: array<f32>;
// hyper[0]: this step's rate (lib/optimizer_step.wgsl).
@group(0) @binding(5) var<storage, read> hyper: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

fn store_rows(row0: u32, col4: u32, acc: ptr<function, array<vec4f, MAX_ROWS>>) {
  let n4 = params.n / 4u;
  let lr = hyper[0];
  var power = vec2f();
  if (RULE == 2u) { power = vec2f(powers[0], powers[1]); }
  // A loop the compiler cannot unroll (its trip count is known only at run time), over a copy of
  // the block: unrolled, the update's code ROWS times over took LLVM minutes to compile on
  // lavapipe (ROWS 32: ~170 s, loaded machine); dynamically indexed, `acc` itself would leave the
  // registers in the GEMM's loop.
  let grads = *acc;
  let rows = min(ROWS, params.m - row0);
  for (var i = 0u; i < rows; i++) { update_at((row0 + i) * n4 + col4, grads[i], lr, power); }
}

// W[i] ← decay(W[i]) - rule(clip(gradient)), i counting vec4s, as lib/update.wgsl's per_element.
fn update_at(i: u32, gradient: vec4f, lr: f32, power: vec2f) {
  let g = clip_gradient(gradient, 1.0, params.clipValue);
  let w = decay_weight(value[i], lr, params.weightDecay);
  var s0 = vec4f();
  var s1 = vec4f();
  var s2 = vec4f();
  if (SLOTS > 0u) { s0 = slots[i]; }
  if (SLOTS > 1u) { s1 = slots[params.stride + i]; }
  if (SLOTS > 2u) { s2 = slots[2u * params.stride + i]; }
  var step: vec4f;
  switch RULE {
    case 1u: { step = momentum_rule(g, lr, &s0, params.momentum); }
    case 2u: { step = adam_rule(g, lr, &s0, &s1, params.beta1, params.oneMinusBeta1, params.beta2, params.oneMinusBeta2, params.epsilon, power.x, power.y); }
    case 3u: { step = adadelta_rule(g, lr, &s0, &s1, params.rho, params.oneMinusRho, params.epsilon); }
    case 4u: {
      // ms, then mom when MOMENTUM, then mg when CENTERED.
      var mom = s1;
      var mg = select(s1, s2, MOMENTUM);
      step = rmsprop_rule(g, lr, &s0, &mom, &mg, params.rho, params.oneMinusRho, params.momentum, params.epsilon);
      if (MOMENTUM) { s1 = mom; s2 = mg; } else { s1 = mg; }
    }
    case 5u: { step = adagrad_rule(g, lr, &s0, params.epsilon); }
    default: { step = sgd_rule(g, lr); }
  }
  if (SLOTS > 0u) { slots[i] = s0; }
  if (SLOTS > 1u) { slots[params.stride + i] = s1; }
  if (SLOTS > 2u) { slots[2u * params.stride + i] = s2; }
  value[i] = w - step;
}
