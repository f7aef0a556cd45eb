// Nearest-neighbour upsampling, NHWC: y[n, h, w, c] = x[n, h / size_h, w / size_w, c].
// Thread → element: one output element per invocation; x runs along y's row (w, c), channels
// fastest, y is the row h, z the batch index n, so few integer divisions locate a thread (they are
// scalarised on the CPU adapters).
struct Params { in_h: u32, in_w: u32, channels: u32, size_h: u32, size_w: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = params.channels;
  let out_w = params.in_w * params.size_w;
  let w = gid.x / c;
  if (w >= out_w) { return; }
  let n = gid.z;
  let out_row = n * params.in_h * params.size_h + gid.y;
  let in_row = n * params.in_h + gid.y / params.size_h;
  y[out_row * out_w * c + gid.x] = x[(in_row * params.in_w + w / params.size_w) * c + gid.x % c];
}
