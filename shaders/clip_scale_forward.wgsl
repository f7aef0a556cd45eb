// Second half of clipping by norm: the scale c / max(‖g‖, c) that the update kernels multiply
// gradients by (lib/optimizer_step.wgsl), as Keras's clip_by_norm / clip_by_global_norm (a zero
// norm gives 1; a NaN or infinite norm passes through as the scale, so the weight turns non-finite
// as in TensorFlow, where max() on a GPU could have returned c and hidden it).
// GLOBAL = false: workgroup k sums parameter k's 64 partials (grad_sumsq_forward.wgsl) → hyper[1 + k].
// GLOBAL = true: every workgroup sums all count·64 partials (the global norm) → hyper[1 + k].
// partials holds count·64 values.
// Thread → element: one workgroup of 64 per parameter; thread t sums partials t, t+64, … of its range.
//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl

override GLOBAL: bool = false;

struct Params { count: u32, clipNorm: f32, zero: u32 }
@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> hyper: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  let k = wg.x;
  let start = select(k * 64u, 0u, GLOBAL);
  let end = select(start + 64u, params.count * 64u, GLOBAL);
  var acc = 0.0;
  for (var i = start + t; i < end; i += 64u) { acc += partials[i]; }
  let pair = workgroup_sum(t, vec2f(acc, 0.0));
  let total = pair.x + pair.y;
  if (t == 0u) {
    let c = params.clipNorm;
    let norm = sqrt(total);
    hyper[1u + k] = select(norm, c / max(norm, c), norm <= 0x1.fffffep+127f);
  }
}
