// Gradient of the mean loss w.r.t. the prediction: dp[i] = scale · dL(p, y)/dp with scale = 1/n.
// LOSS as in loss_forward.wgsl: 0 squared error 2(p - y); 1 absolute error sign(p - y) (0 at p = y);
// 2 binary crossentropy (p - y) / (p (1 - p)) where EPS ≤ p ≤ 1 - EPS and 0 where the clip is
// active (TF.js's clipByValue gradient passes dy on the closed interval). NaN inputs give NaN.
// Bindings: 0 yPred (read), 1 yTrue (read), 2 dp (write), 3 params { n, scale }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

override LOSS: u32 = 0u;
const EPS: f32 = 1e-7;

struct Params { n: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> dp: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let p = yPred[i];
  let y = yTrue[i];
  let d = p - y;
  var g: f32;
  switch LOSS {
    // sign() of a NaN is unspecified in WGSL: pass the NaN through.
    case 1u: { g = select(sign(d), d, is_nan(d)); }
    case 2u: {
      let inside = p >= EPS && p <= 1.0 - EPS;
      g = select(0.0, d / (p * (1.0 - p)), inside || is_nan(p));
    }
    default: { g = 2.0 * d; }
  }
  dp[i] = params.scale * g;
}
