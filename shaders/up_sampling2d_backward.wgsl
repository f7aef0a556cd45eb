// Nearest-neighbour upsampling's input gradient: dx[n, h, w, c] sums dy over the size_h × size_w
// block that (h, w) was copied to.
// Thread → element: one input element per invocation; x runs along dx's row (w, c), channels
// fastest, y is the row h, z the batch index n.
struct Params { in_h: u32, in_w: u32, channels: u32, size_h: u32, size_w: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = params.channels;
  let w = gid.x / c;
  if (w >= params.in_w) { return; }
  let row = gid.z * params.in_h + gid.y;
  let out_w = params.in_w * params.size_w;
  // dy's rows row·size_h + a (a < size_h), since out_h = in_h · size_h; columns w·size_w + b.
  let corner = (row * params.size_h * out_w + w * params.size_w) * c + gid.x % c;
  var acc = 0.0;
  for (var a = 0u; a < params.size_h; a++) {
    for (var b = 0u; b < params.size_w; b++) {
      acc += dy[corner + (a * out_w + b) * c];
    }
  }
  dx[row * params.in_w * c + gid.x] = acc;
}
