// Column sums of dy [M, N]: out[r, n] = Σ dy[m, n] over the rows m of chunk r, i.e. rows
// [r·rows_per_chunk, min(M, (r+1)·rows_per_chunk)). With one chunk this is the bias gradient
// itself; with several, src/ops/matmul.ts sums the [chunks, N] partials with a second pass.
// out is [chunks, N].
// Thread → element: invocation x of workgroup (X, Y) sums column 64·X + x over chunk Y.
struct Params { m: u32, n: u32, rows_per_chunk: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let col = gid.x;
  if (col >= params.n) { return; }
  let first = gid.y * params.rows_per_chunk;
  let last = min(params.m, first + params.rows_per_chunk);
  var s = 0.0;
  for (var row = first; row < last; row++) { s += dy[row * params.n + col]; }
  out[gid.y * params.n + col] = s;
}
