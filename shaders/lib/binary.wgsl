// Broadcasting binary ops (TF.js's rule) shared by binary_forward.wgsl and binary_backward.wgsl.
// OP (override): 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 maximum, 6 minimum, 7 equal (1 or 0),
// 8 squaredDifference. A_CONST / B_CONST: that operand is the scalar params.scalar (a number in
// `mul(t, 0.5)`), so constants cost no buffer and no upload. VEC4: the innermost dimension is a
// multiple of 4 and each operand walks it contiguously or not at all, so a thread's four outputs
// read one vec4 (or one splatted scalar) per operand.
// The host collapses dimensions first (src/ops/broadcast.ts): a same-shape op is rank 1 with
// strides 1, a row-vector bias [2,3,4] + [4] is rank 2 with b's strides (0, 1).
//!include lib/activation.wgsl
//!include lib/signed_pow.wgsl

override OP: u32 = 0u;
override A_CONST: bool = false;
override B_CONST: bool = false;
override VEC4: bool = false;

// shape / a_strides / b_strides: rank words each (dimension d at [d / 4][d % 4]); zero is always 0.
struct Params { n: u32, rank: u32, scalar: f32, zero: u32, shape: array<vec4u, 2>, a_strides: array<vec4u, 2>, b_strides: array<vec4u, 2> }

// Element offsets into a and b of output element i.
fn offsets(i: u32) -> vec2u {
  var rest = i;
  var o = vec2u(0u, 0u);
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let k = u32(d);
    let size = params.shape[k >> 2u][k & 3u];
    o += (rest % size) * vec2u(params.a_strides[k >> 2u][k & 3u], params.b_strides[k >> 2u][k & 3u]);
    rest /= size;
  }
  return o;
}

fn load_a(e: u32) -> f32 {
  if (A_CONST) { return params.scalar; }
  return a[e >> 2u][e & 3u];
}

fn load_b(e: u32) -> f32 {
  if (B_CONST) { return params.scalar; }
  return b[e >> 2u][e & 3u];
}

// Four consecutive operand values from offset e (VEC4 only: e is then a multiple of 4 where the
// operand's innermost stride is 1, and the value repeats where it is 0).
fn load_a4(e: u32) -> vec4f {
  let last = params.rank - 1u;
  if (A_CONST) { return vec4f(params.scalar); }
  if (params.a_strides[last >> 2u][last & 3u] == 1u) { return a[e >> 2u]; }
  return vec4f(a[e >> 2u][e & 3u]);
}

fn load_b4(e: u32) -> vec4f {
  let last = params.rank - 1u;
  if (B_CONST) { return vec4f(params.scalar); }
  if (params.b_strides[last >> 2u][last & 3u] == 1u) { return b[e >> 2u]; }
  return vec4f(b[e >> 2u][e & 3u]);
}

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return signed_pow(x, y); }
    // max/min of a NaN is left to the implementation in WGSL; TF.js propagates it.
    case 5u: { return select(max(x, y), x + y, is_nan(x) || is_nan(y)); }
    case 6u: { return select(min(x, y), x + y, is_nan(x) || is_nan(y)); }
    case 7u: { return select(0.0, 1.0, x == y); }
    case 8u: { return (x - y) * (x - y); }
    default: { return x; }
  }
}

// ∂ apply(x, y) / ∂x times dy (wrt_b false) or ∂/∂y times dy (wrt_b true), as TF.js defines them:
// maximum sends the gradient to a where a ≥ b, minimum where a ≤ b; pow's exponent gradient is
// x^y·ln x where x > 0 and 0 elsewhere.
fn grad(x: f32, y: f32, dy: f32, wrt_b: bool) -> f32 {
  switch OP {
    case 0u: { return dy; }
    case 1u: { return select(dy, -dy, wrt_b); }
    case 2u: { return dy * select(y, x, wrt_b); }
    case 3u: { return select(dy / y, -dy * x / (y * y), wrt_b); }
    case 4u: {
      if (wrt_b) { return select(0.0, dy * signed_pow(x, y) * log(x), x > 0.0); }
      return dy * y * signed_pow(x, y - 1.0);
    }
    case 5u: { return select(select(0.0, dy, x >= y), select(0.0, dy, x < y), wrt_b); }
    case 6u: { return select(select(0.0, dy, x <= y), select(0.0, dy, x > y), wrt_b); }
    case 8u: { return select(2.0, -2.0, wrt_b) * (x - y) * dy; }
    default: { return 0.0; }
  }
}
