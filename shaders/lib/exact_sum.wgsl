// Double-float (hi, lo) accumulation with TwoSum, which is exact, so a long sum is the true sum
// rounded once to f32. Needs a uniform `params.zero` that is always 0.
//
// Shader compilers treat float math as reassociable (Mesa's NIR folds (a + b) - a to b), which
// would zero TwoSum's error term. Passing a rounded value through an integer OR with params.zero
// (always 0, unknown at compile time) makes it opaque, so each rounding step happens as written.
fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) | params.zero);
}

// Error-free transformation: a + b = s + e exactly.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, (a - opaque(s - bb)) + (b - bb));
}

fn add_pair(a: vec2f, b: vec2f) -> vec2f {
  let s = two_sum(a.x, b.x);
  // Inf and NaN: the error term would be NaN (inf - inf); keep IEEE semantics of the plain sum.
  if (!(abs(s.x) <= 0x1.fffffep+127f)) { return vec2f(s.x, 0.0); }
  let lo = s.y + a.y + b.y;
  let hi = opaque(s.x + lo);
  return vec2f(hi, lo - opaque(hi - s.x));
}
