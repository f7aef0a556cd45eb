// Keras's L1L2 penalty per element and its derivative, shared by l1l2_forward.wgsl and
// l1l2_backward.wgsl; the including kernel's params carry the coefficients l1 and l2.
// A zero coefficient drops its term entirely (as Keras does), so 0·|inf| never makes a NaN.
//!include lib/activation.wgsl

fn penalty(v: f32) -> f32 {
  var e = 0.0;
  if (params.l1 != 0.0) { e += params.l1 * abs(v); }
  if (params.l2 != 0.0) { e += params.l2 * v * v; }
  return e;
}

// l1·sign(v) + 2·l2·v; sign(0) = 0 (TensorFlow's d|x|/dx); a NaN v gives a NaN (WGSL's sign(NaN)
// is unspecified).
fn penalty_grad(v: f32) -> f32 {
  var g = 0.0;
  if (params.l1 != 0.0) { g += params.l1 * select(sign(v), v, is_nan(v)); }
  if (params.l2 != 0.0) { g += 2.0 * params.l2 * v; }
  return g;
}
