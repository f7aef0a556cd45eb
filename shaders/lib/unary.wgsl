// Elementwise unary ops of the differentiable API, applied after the activation by
// activation_forward.wgsl / activation_backward.wgsl (one kernel pair for every elementwise map).
// OP (override): 0 neg, 1 exp, 2 log, 3 sqrt, 4 square, 5 abs, 6 clipByValue(lo, hi),
// 7 reciprocal, anything else the identity (a plain activation). The kernels' params carry lo, hi.
// Their derivatives are taken from the input x (square and abs lose x's sign in their output).
//!include lib/activation.wgsl

override OP: u32 = 255u;

fn unary(x: f32) -> f32 {
  switch OP {
    case 0u: { return -x; }
    case 1u: { return exp(x); }
    case 2u: { return log(x); }
    case 3u: { return sqrt(x); }
    case 4u: { return x * x; }
    case 5u: { return abs(x); }
    // clamp() may turn a NaN into a bound; TF.js keeps it.
    case 6u: { return select(clamp(x, params.lo, params.hi), x, is_nan(x)); }
    case 7u: { return 1.0 / x; }
    default: { return x; }
  }
}

// d unary(x) / dx. clipByValue passes the gradient on [lo, hi] inclusive (TF.js).
fn unary_grad(x: f32) -> f32 {
  switch OP {
    case 0u: { return -1.0; }
    case 1u: { return exp(x); }
    case 2u: { return 1.0 / x; }
    case 3u: { return 0.5 / sqrt(x); }
    case 4u: { return 2.0 * x; }
    case 5u: { return sign(x); }
    case 6u: { return select(0.0, 1.0, x >= params.lo && x <= params.hi); }
    case 7u: { return -1.0 / (x * x); }
    default: { return 1.0; }
  }
}
