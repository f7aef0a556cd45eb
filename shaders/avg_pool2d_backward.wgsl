// Average pooling's input gradient as a gather: dx[n, h, w, c] = Σ dy[window] / count(window) over
// the windows that contain (h, w), count being the window's unpadded elements (as in the forward).
// Thread → element: one input element per invocation, as lib/pool.wgsl's element() maps it.
//!include lib/pool.wgsl

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: PoolParams;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = element(gid);
  if (e.z >= params.in_w) { return; }
  let i = flat(e.x, e.y, e.z, e.w, params.in_h, params.in_w);
  let hs = split(e.y, params.stride_h, params.pad_top);
  let ws = split(e.z, params.stride_w, params.pad_left);
  var acc = 0.0;
  for (var a = 0u; a <= hs.x && a * params.stride_h + hs.y < params.pool_h; a++) {
    let oh = hs.x - a;
    if (oh >= params.out_h) { continue; }
    let height = window(oh, params.pool_h, params.stride_h, params.pad_top, params.in_h);
    for (var b = 0u; b <= ws.x && b * params.stride_w + ws.y < params.pool_w; b++) {
      let ow = ws.x - b;
      if (ow >= params.out_w) { continue; }
      let width = window(ow, params.pool_w, params.stride_w, params.pad_left, params.in_w);
      let count = f32((height.y - height.x) * (width.y - width.x));
      acc += dy[flat(e.x, oh, ow, e.w, params.out_h, params.out_w)] / count;
    }
  }
  dx[i] = acc;
}
