// dkernel[i] = Σ_s part[s·n + i]: adds up the per-chunk parts of conv2d_backward_filter.
// part is [splits, n], dkernel [n].
// Thread → element: one kernel element per invocation, i = gid.x + gid.y·(num_workgroups.x·64);
// neighbouring lanes read neighbouring elements of each part.
struct Params { n: u32, splits: u32 }
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> dkernel: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  var total = 0.0;
  for (var s = 0u; s < params.splits; s++) { total += part[s * params.n + i]; }
  dkernel[i] = total;
}
