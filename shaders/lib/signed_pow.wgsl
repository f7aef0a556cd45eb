// TF.js's pow and a NaN that compilers cannot fold, shared by the binary ops and the fused losses.
// Needs a uniform `params.zero` that is always 0.

fn nan() -> f32 {
  return bitcast<f32>(0x7fc00000u | params.zero);
}

// x^y as TF.js computes it: a negative base with an integer exponent keeps its sign, with any other
// exponent it is NaN; x^0 = 1.
fn signed_pow(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  let r = pow(abs(x), y);
  if (x >= 0.0 || is_nan(x)) { return r; }
  if (fract(y) != 0.0) { return nan(); }
  return select(r, -r, abs(y) % 2.0 == 1.0);
}
