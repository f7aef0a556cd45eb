// A strided block copy: y[r·yRow + yOffset + c] = x[r·xRow + xOffset + c] for r < rows, c < cols.
// With x's rows whole it writes one input of concat into its columns of the output; with y's rows
// whole it reads one slice (split, concat's backward) out of x.
// Other columns of y are left as they are.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64),
// r = i / cols, c = i % cols (consecutive threads copy consecutive elements of a row).
struct Params { rows: u32, cols: u32, x_row: u32, x_offset: u32, y_row: u32, y_offset: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.rows * params.cols) { return; }
  let r = i / params.cols;
  let c = i % params.cols;
  y[r * params.y_row + params.y_offset + c] = x[r * params.x_row + params.x_offset + c];
}
