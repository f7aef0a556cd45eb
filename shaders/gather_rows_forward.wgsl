// Batch assembly on the GPU: out[r, c] = scale * src[indices[first + r], c] for r < rows, c < rowLength.
// The whole data set stays on the GPU; a shuffled epoch is one index buffer, a batch one dispatch.
// UINT8: src holds bytes packed four to a u32 word (raw pixels, scaled here, e.g. by 1/255).
// Thread → element: one output element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// consecutive invocations read consecutive elements of one source row.
override UINT8: bool = false;

struct Params { rowLength: u32, rows: u32, first: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.rows * params.rowLength) { return; }
  let r = i / params.rowLength;
  let c = i - r * params.rowLength;
  let s = u32(indices[params.first + r]) * params.rowLength + c;
  var v: f32;
  if (UINT8) {
    v = f32((src[s >> 2u] >> ((s & 3u) * 8u)) & 0xffu);
  } else {
    v = bitcast<f32>(src[s]);
  }
  out[i] = params.scale * v;
}
