// Keras's losses per element, L(p, y) and dL/dp, for loss_forward.wgsl (value and gradient in one pass).
// LOSS (override): 0 squared error (p - y)², 1 absolute error |p - y|, 2 binary crossentropy on
// probabilities, p clipped to [EPS, 1 - EPS] as TF.js/Keras do, so p = 0 or 1 gives a finite loss;
// 3 binary accuracy, a metric without gradient (sample_metric_forward.wgsl): 1 where (p > 0.5),
// Keras's threshold, equals y, else 0.
//!include lib/activation.wgsl

override LOSS: u32 = 0u;
const EPS: f32 = 1e-7;

fn loss(p: f32, y: f32) -> f32 {
  switch LOSS {
    case 1u: { return abs(p - y); }
    case 2u: {
      // clamp() of a NaN may return a bound: keep the NaN explicitly.
      let q = select(clamp(p, EPS, 1.0 - EPS), p, is_nan(p));
      return -(y * log(q) + (1.0 - y) * log(1.0 - q));
    }
    case 3u: { return select(0.0, 1.0, select(0.0, 1.0, p > 0.5) == y); }
    default: {
      let d = p - y;
      return d * d;
    }
  }
}

// 0: 2(p - y); 1: sign(p - y) (0 at p = y); 2: (p - y) / (p (1 - p)) where EPS ≤ p ≤ 1 - EPS and 0
// where the clip is active (TF.js's clipByValue gradient passes dy on the closed interval).
// NaN inputs give NaN.
fn loss_grad(p: f32, y: f32) -> f32 {
  let d = p - y;
  switch LOSS {
    // sign() of a NaN is unspecified in WGSL: pass the NaN through.
    case 1u: { return select(sign(d), d, is_nan(d)); }
    case 2u: {
      let inside = p >= EPS && p <= 1.0 - EPS;
      return select(0.0, d / (p * (1.0 - p)), inside || is_nan(p));
    }
    default: { return 2.0 * d; }
  }
}
