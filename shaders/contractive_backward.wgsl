// Adds the gradients of the contractive penalty P = c · Σ_j w_j · s_j (c = λ/rows; w_j, s_j from
// contractive_forward.wgsl with PRODUCT off, in stats = [w (units), s (units)]) in place:
//   dh[b, j] += c · w_j · 2·act'(h[b, j]) · d act'/dh (h[b, j])      (h [rows, units])
//   dW[i, j] += c · s_j · 2·W[i, j]                                    (W [inputs, units])
// act' and its slope are written in terms of the output h, like lib/activation.wgsl.
// params.scale is c.
// Thread → element: one element per invocation over dh's rows·units elements followed by dW's
// inputs·units, k = gid.x + gid.y * (num_workgroups.x * 64).
//!include lib/activation.wgsl

struct Params { rows: u32, inputs: u32, units: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;
@group(0) @binding(4) var<storage, read_write> dW: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

// d act'(y) / dy for the ACT codes of lib/activation.wgsl (0 where act' is piecewise constant).
fn activate_grad_slope(y: f32) -> f32 {
  switch ACT {
    case 2u: { return 1.0 - 2.0 * y; }
    case 3u: { return -2.0 * y; }
    case 5u: { return select(1.0, 0.0, y > 0.0); }
    case 6u: { return exp(-y); }
    default: { return 0.0; }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let k = gid.x + gid.y * groups.x * 64u;
  let hSize = params.rows * params.units;
  if (k < hSize) {
    let y = h[k];
    let w = stats[k % params.units];
    dh[k] += params.scale * w * 2.0 * activate_grad(y) * activate_grad_slope(y);
    return;
  }
  let m = k - hSize;
  if (m >= params.inputs * params.units) { return; }
  let s = stats[params.units + m % params.units];
  dW[m] += params.scale * s * 2.0 * W[m];
}
