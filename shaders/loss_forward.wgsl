// Per-element loss e[i] = L(yPred[i], yTrue[i]); the host sums e with scale 1/n (src/ops/reduce.ts),
// which is Keras's mean over the last axis then over the batch.
// LOSS (override): 0 squared error (p - y)², 1 absolute error |p - y|, 2 binary crossentropy on
// probabilities, p clipped to [EPS, 1 - EPS] as TF.js/Keras do, so p = 0 or 1 gives a finite loss.
// Bindings: 0 yPred (read), 1 yTrue (read), 2 e (write), 3 params { n }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

override LOSS: u32 = 0u;
const EPS: f32 = 1e-7;

struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> e: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let p = yPred[i];
  let y = yTrue[i];
  switch LOSS {
    case 1u: { e[i] = abs(p - y); }
    case 2u: {
      // clamp() of a NaN may return a bound: keep the NaN explicitly.
      let q = select(clamp(p, EPS, 1.0 - EPS), p, is_nan(p));
      e[i] = -(y * log(q) + (1.0 - y) * log(1.0 - q));
    }
    default: {
      let d = p - y;
      e[i] = d * d;
    }
  }
}
