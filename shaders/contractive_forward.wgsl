// Per-unit statistics of the contractive penalty of a dense encoder h = act(x·W + b):
//   w_j = Σ_i W[i, j]²   (W [inputs, units])      s_j = Σ_b act'(h[b, j])²   (h [rows, units])
// PRODUCT: out[j] = w_j·s_j, the penalty's terms (the host sums them with scale λ/rows);
// otherwise out[j] = w_j and out[units + j] = s_j, which contractive_backward.wgsl reads.
// act' comes from the output h (lib/activation.wgsl's activate_grad, ACT / ALPHA overrides).
// Thread → element: workgroup j = wg.x + wg.y * num_workgroups.x owns column j; its 64 threads
// stride down the column (thread t takes rows t, t + 64, ...), then combine in a workgroup tree.
//!include lib/activation.wgsl

override PRODUCT: bool = true;

struct Params { rows: u32, inputs: u32, units: u32 }
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> partial: array<vec2f, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let j = wg.x + wg.y * groups.x;
  // Folded grids may have spare workgroups; they must still reach every barrier (uniform control flow).
  let live = j < params.units;
  var acc = vec2f(0.0, 0.0);
  if (live) {
    for (var i = t; i < params.inputs; i += 64u) {
      let v = W[i * params.units + j];
      acc.x += v * v;
    }
    for (var b = t; b < params.rows; b += 64u) {
      let d = activate_grad(h[b * params.units + j]);
      acc.y += d * d;
    }
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride >>= 1u) {
    if (t < stride) { partial[t] += partial[t + stride]; }
    workgroupBarrier();
  }
  if (t == 0u && live) {
    let total = partial[0];
    if (PRODUCT) {
      out[j] = total.x * total.y;
    } else {
      out[j] = total.x;
      out[params.units + j] = total.y;
    }
  }
}
