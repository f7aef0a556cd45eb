// Nearest-neighbour upsampling's input gradient: dx[n, h, w, c] sums dy over the size_h × size_w
// block that (h, w) was copied to.
// Bindings: 0 dy (read), 1 dx (write), 2 params { total = dx's size, in_h, in_w, channels, size_h, size_w }.
// Thread → element: one input element per invocation, channels fastest;
// i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { total: u32, in_h: u32, in_w: u32, channels: u32, size_h: u32, size_w: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.total) { return; }
  let c = params.channels;
  let pixel = i / c;
  let w = pixel % params.in_w;
  let row = pixel / params.in_w;     // n * in_h + h
  let out_w = params.in_w * params.size_w;
  // dy's row (n * out_h + h * size_h + a) = row * size_h + a, since out_h = in_h * size_h.
  var acc = 0.0;
  for (var a = 0u; a < params.size_h; a++) {
    for (var b = 0u; b < params.size_w; b++) {
      acc += dy[((row * params.size_h + a) * out_w + w * params.size_w + b) * c + i % c];
    }
  }
  dx[i] = acc;
}
