// dkernel[i] = Σ_s part[s·n + i]: adds up the per-chunk parts of conv2d_backward_filter, and in the
// same dispatch the bias gradient's parts from conv2d_backward_filter_subgroups (BIAS):
// dbias[j] = Σ_s bias_part[s·bias_n + j], j < bias_n (0 without them; then bias_part and dbias are
// any buffers, never touched).
// part is [splits, n], dkernel [n], bias_part [splits, bias_n], dbias [bias_n].
// Thread → element: one output element per invocation, i = gid.x + gid.y·(num_workgroups.x·64), the
// kernel's n first, then the bias's; neighbouring lanes read neighbouring elements of each part.
struct Params { n: u32, splits: u32, bias_n: u32 }
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> dkernel: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> bias_part: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i < params.n) {
    var total = 0.0;
    for (var s = 0u; s < params.splits; s++) { total += part[s * params.n + i]; }
    dkernel[i] = total;
  } else if (i < params.n + params.bias_n) {
    let j = i - params.n;
    var total = 0.0;
    for (var s = 0u; s < params.splits; s++) { total += bias_part[s * params.bias_n + j]; }
    dbias[j] = total;
  }
}
