// Nearest-neighbour upsampling, NHWC: y[n, h, w, c] = x[n, h / size_h, w / size_w, c].
// Bindings: 0 x (read), 1 y (write), 2 params { total = y's size, in_h, in_w, channels, size_h, size_w }.
// Thread → element: one output element per invocation, channels fastest;
// i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { total: u32, in_h: u32, in_w: u32, channels: u32, size_h: u32, size_w: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.total) { return; }
  let c = params.channels;
  let out_w = params.in_w * params.size_w;
  let pixel = i / c;                 // n * out_h * out_w + h * out_w + w
  let w = pixel % out_w;
  let row = pixel / out_w;           // n * out_h + h
  let h = row % (params.in_h * params.size_h);
  let n = row / (params.in_h * params.size_h);
  y[i] = x[((n * params.in_h + h / params.size_h) * params.in_w + w / params.size_w) * c + i % c];
}
