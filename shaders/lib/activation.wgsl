// Activation functions shared by the elementwise kernels and the fused GEMM/conv epilogues.
// ACT selects one (an `override` constant, so the choice is folded at pipeline creation):
//   0 linear, 1 relu, 2 sigmoid, 3 tanh, 4 leakyRelu(ALPHA), 5 elu(ALPHA), 6 softplus,
//   7 relu capped at ALPHA (relu6, Keras's ReLU(max_value)).
// The derivative is written in terms of the output y = act(x), so the backward pass needs only
// the stored forward output, never the pre-activation.
override ACT: u32 = 0u;
override ALPHA: f32 = 0.2;

// NaN test on the bits: compilers may assume x != x is false.
fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

// Two branches so that exp never overflows to inf/inf.
fn stable_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

fn activate(x: f32) -> f32 {
  switch ACT {
    case 1u: { return select(x, 0.0, x < 0.0); }
    case 2u: { return stable_sigmoid(x); }
    case 3u: { return tanh(x); }
    case 4u: { return select(ALPHA * x, x, x > 0.0); }
    case 5u: { return select(ALPHA * (exp(x) - 1.0), x, x > 0.0); }
    case 6u: { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }
    // min/max of a NaN are the implementation's choice in WGSL: keep it.
    case 7u: { return select(min(max(x, 0.0), ALPHA), x, is_nan(x)); }
    default: { return x; }
  }
}

// d act(x) / dx, from y = act(x). A NaN output gives a NaN derivative.
fn activate_grad(y: f32) -> f32 {
  if (is_nan(y)) { return y; }
  switch ACT {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return 1.0 - y * y; }
    case 4u: { return select(ALPHA, 1.0, y > 0.0); }
    case 5u: { return select(y + ALPHA, 1.0, y > 0.0); }
    case 6u: { return 1.0 - exp(-y); }
    // The output is flat at 0 and at the cap (TensorFlow's relu6 gradient: 0 at both ends).
    case 7u: { return select(0.0, 1.0, y > 0.0 && y < ALPHA); }
    default: { return 1.0; }
  }
}
