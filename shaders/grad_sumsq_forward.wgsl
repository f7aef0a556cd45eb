// First half of clipping by norm (clipNorm, globalClipNorm): partial sums of squares of one
// gradient, for clip_scale_forward.wgsl to finish. Parameter k owns partials[64k … 64k+64): the
// host dispatches params.groups ≤ 64 workgroups (about 8 vec4s per thread, so a bias takes one
// workgroup, not 64 idle ones), and workgroup 0 zeroes the slots the others do not fill, so the
// finishing kernel needs no table of counts.
// grad holds n vec4s; params.slot = 64k; params.zero = 0 (lib/exact_sum.wgsl).
// Thread → element: workgroup w, thread t reads vec4s w·64 + t, then every groups·64th after it
// (coalesced); the 64 sums meet in lib/workgroup_sum.wgsl and thread 0 writes partials[slot + w].
//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl

struct Params { n: u32, slot: u32, groups: u32, zero: u32 }
@group(0) @binding(0) var<storage, read> grad: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> partials: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  var acc = 0.0;
  for (var i = wg.x * 64u + t; i < params.n; i += params.groups * 64u) {
    let g = grad[i];
    acc += dot(g, g);
  }
  let total = workgroup_sum(t, vec2f(acc, 0.0));
  if (t == 0u) { partials[params.slot + wg.x] = total.x + total.y; }
  if (wg.x == 0u && t >= params.groups) { partials[params.slot + t] = 0.0; }
}
