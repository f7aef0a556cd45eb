// A loss function written as ops, compiled to a small program (src/ops/loss_program.ts) that the
// fused loss kernels run per element, generated as WGSL: instruction k computes r_k as a dual
// number (value, derivative with respect to yPred[i]) with the d_* functions below, so one pass
// gives the elementwise term of the loss and its gradient without materialising any intermediate.
// Constants are read from params.consts (consts[c / 4][c % 4]), so programs that differ only in
// their constants share a pipeline.
// Derivatives follow the tape's rules (TF.js's): maximum's goes to a where a ≥ b, clipByValue's
// passes on [lo, hi] inclusive, abs'(0) = 0, pow's exponent term is x^y·ln x only where x > 0.
// The including kernel declares `params` with zero and consts: array<vec4f, 8>.
//!include lib/activation.wgsl
//!include lib/signed_pow.wgsl

fn constant(c: u32) -> f32 {
  return params.consts[c >> 2u][c & 3u];
}

// Dual numbers (value, derivative with respect to yPred[i]) through each op.
fn d_const(c: u32) -> vec2f { return vec2f(constant(c), 0.0); }
fn d_neg(x: vec2f) -> vec2f { return -x; }
fn d_exp(x: vec2f) -> vec2f { let e = exp(x.x); return vec2f(e, e * x.y); }
fn d_log(x: vec2f) -> vec2f { return vec2f(log(x.x), x.y / x.x); }
fn d_sqrt(x: vec2f) -> vec2f { let s = sqrt(x.x); return vec2f(s, 0.5 * x.y / s); }
fn d_square(x: vec2f) -> vec2f { return vec2f(x.x * x.x, 2.0 * x.x * x.y); }
fn d_abs(x: vec2f) -> vec2f { return vec2f(abs(x.x), sign(x.x) * x.y); }
fn d_reciprocal(x: vec2f) -> vec2f { return vec2f(1.0 / x.x, -x.y / (x.x * x.x)); }
fn d_relu(x: vec2f) -> vec2f { return select(vec2f(0.0, 0.0), x, x.x > 0.0 || is_nan(x.x)); }
fn d_sigmoid(x: vec2f) -> vec2f { let s = stable_sigmoid(x.x); return vec2f(s, s * (1.0 - s) * x.y); }
fn d_tanh(x: vec2f) -> vec2f { let h = tanh(x.x); return vec2f(h, (1.0 - h * h) * x.y); }
fn d_clip(x: vec2f, c: u32) -> vec2f {
  let lo = constant(c);
  let hi = constant(c + 1u);
  return vec2f(select(clamp(x.x, lo, hi), x.x, is_nan(x.x)), select(0.0, x.y, x.x >= lo && x.x <= hi));
}
fn d_add(x: vec2f, y: vec2f) -> vec2f { return x + y; }
fn d_sub(x: vec2f, y: vec2f) -> vec2f { return x - y; }
fn d_mul(x: vec2f, y: vec2f) -> vec2f { return vec2f(x.x * y.x, x.y * y.x + x.x * y.y); }
fn d_div(x: vec2f, y: vec2f) -> vec2f { return vec2f(x.x / y.x, (x.y * y.x - x.x * y.y) / (y.x * y.x)); }
fn d_pow(x: vec2f, y: vec2f) -> vec2f {
  let value = signed_pow(x.x, y.x);
  let dx = select(y.x * signed_pow(x.x, y.x - 1.0) * x.y, 0.0, x.y == 0.0);
  let dy = select(0.0, value * log(x.x) * y.y, x.x > 0.0 && y.y != 0.0);
  return vec2f(value, dx + dy);
}
fn d_maximum(x: vec2f, y: vec2f) -> vec2f {
  return vec2f(select(max(x.x, y.x), x.x + y.x, is_nan(x.x) || is_nan(y.x)), select(y.y, x.y, x.x >= y.x));
}
fn d_minimum(x: vec2f, y: vec2f) -> vec2f {
  return vec2f(select(min(x.x, y.x), x.x + y.x, is_nan(x.x) || is_nan(y.x)), select(y.y, x.y, x.x <= y.x));
}
fn d_squared_difference(x: vec2f, y: vec2f) -> vec2f { let d = x.x - y.x; return vec2f(d * d, 2.0 * d * (x.y - y.y)); }

// The program's result at one element: (value, d value / d yPred). This body is a placeholder:
// src/ops/loss_program.ts replaces it with the program as straight-line code (one `let` per
// instruction), which compilers turn into a few fused arithmetic ops per element.
fn run_program(t: f32, p: f32) -> vec2f {
  return vec2f(t, p);
}
