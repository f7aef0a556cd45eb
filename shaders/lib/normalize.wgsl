// The affine step batch and layer normalization share: (x − mean)/sqrt(variance + epsilon), times
// gamma[f] and plus beta[f] for the weight index f. Without HAS_GAMMA (scale: false) gamma is 1,
// without HAS_BETA (center: false) beta is 0, and those bindings may be any buffer. The including
// kernel declares `gamma`, `beta` and `params.epsilon`.
override HAS_GAMMA: bool = true;
override HAS_BETA: bool = true;

fn normalize(x: f32, mean: f32, variance: f32, f: u32) -> f32 {
  var v = (x - mean) * inverseSqrt(variance + params.epsilon);
  if (HAS_GAMMA) { v *= gamma[f]; }
  if (HAS_BETA) { v += beta[f]; }
  return v;
}
