// Max pooling's input gradient as a gather (WGSL has no float atomics to scatter with):
// dx[n, h, w, c] = Σ dy over the windows that contain (h, w) and whose argmax is this element.
// Bindings: 0 dy (read), 1 argmax (read, i32, from max_pool2d_forward), 2 dx (write),
// 3 params (PoolParams).
// Thread → element: one input element per invocation, as lib/pool.wgsl's element() maps it.
//!include lib/pool.wgsl

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<i32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: PoolParams;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = element(gid);
  if (e.z >= params.in_w) { return; }
  let i = flat(e.x, e.y, e.z, e.w, params.in_h, params.in_w);
  let rows = windows_over(e.y, params.pool_h, params.stride_h, params.pad_top, params.out_h);
  let cols = windows_over(e.z, params.pool_w, params.stride_w, params.pad_left, params.out_w);
  var acc = 0.0;
  for (var oh = rows.x; oh < rows.y; oh++) {
    for (var ow = cols.x; ow < cols.y; ow++) {
      let j = flat(e.x, oh, ow, e.w, params.out_h, params.out_w);
      acc += select(0.0, dy[j], argmax[j] == i32(i));
    }
  }
  dx[i] = acc;
}
