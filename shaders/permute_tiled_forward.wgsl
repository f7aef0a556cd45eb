// A batch of 2-D transposes, x [batch, rows, cols] → y [batch, cols, rows], through a 16 × 16
// workgroup tile so that both the reads of x and the writes of y run along rows (the general
// permute kernel reads x with a stride here). Used by src/ops/permute.ts wherever a permutation
// comes down to swapping the last two axes.
// Thread → element: x along cols, y along rows, z the batch index: each workgroup loads the tile
// x[z, 16·wy .., 16·wx ..] and writes it transposed to y[z, 16·wx .., 16·wy ..].
struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// One padding column keeps the transposed reads off a single memory bank.
var<workgroup> tile: array<f32, 272>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let plane = group.z * params.rows * params.cols;
  let r = group.y * 16u + local.y;
  let c = group.x * 16u + local.x;
  if (r < params.rows && c < params.cols) { tile[local.y * 17u + local.x] = x[plane + r * params.cols + c]; }
  workgroupBarrier();
  let out_r = group.x * 16u + local.y;
  let out_c = group.y * 16u + local.x;
  if (out_r < params.cols && out_c < params.rows) { y[plane + out_r * params.rows + out_c] = tile[local.x * 17u + local.y]; }
}
