// A strided block copy: y[r·yRow + yOffset + c] = x[r·xRow + xOffset + c] for r < rows, c < cols.
// With x's rows whole it writes one input of concat into its columns of the output; with y's rows
// whole it reads one slice (split, concat's backward) out of x.
// Other columns of y are left as they are.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64),
// r = i / cols, c = i % cols (consecutive threads copy consecutive elements of a row).
// VEC4 (cols, rows' lengths and offsets all multiples of 4): an element is a vec4 and the params
// count vec4s; x4 and y4 are x and y again as vec4s, so a thread makes one load and one store where
// it made four of each (each a loop over the SIMD lanes on llvmpipe). The unused one of y and y4 is
// bound to a scratch buffer (two writable bindings of one buffer may not alias).
override VEC4: bool = false;

struct Params { rows: u32, cols: u32, x_row: u32, x_offset: u32, y_row: u32, y_offset: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> x4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> y4: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.rows * params.cols) { return; }
  let r = i / params.cols;
  let c = i % params.cols;
  let to = r * params.y_row + params.y_offset + c;
  let source = r * params.x_row + params.x_offset + c;
  if (VEC4) {
    y4[to] = x4[source];
  } else {
    y[to] = x[source];
  }
}
