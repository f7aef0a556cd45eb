// Max pooling, NHWC: y[n, oh, ow, c] = max of x over the window, and argmax = the flat index into x
// of the chosen element (read by max_pool2d_backward). Ties keep the first maximum in row-major scan
// order; a NaN in the window wins and is kept (as IEEE max would propagate it). lib/activation.wgsl
// is included for is_nan only.
// Bindings: 0 x (read), 1 y (write), 2 argmax (write, i32), 3 params (PoolParams).
// Thread → element: one output element per invocation, as lib/pool.wgsl's element() maps it.
//!include lib/pool.wgsl
//!include lib/activation.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> argmax: array<i32>;
@group(0) @binding(3) var<uniform> params: PoolParams;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = element(gid);
  if (o.z >= params.out_w) { return; }
  let i = flat(o.x, o.y, o.z, o.w, params.out_h, params.out_w);
  let rows = window(o.y, params.pool_h, params.stride_h, params.pad_top, params.in_h);
  let cols = window(o.z, params.pool_w, params.stride_w, params.pad_left, params.in_w);
  // Every window holds at least one input element ('same' pads less than a window).
  var best = 0.0;
  var best_index = -1;
  for (var h = rows.x; h < rows.y; h++) {
    for (var w = cols.x; w < cols.y; w++) {
      let j = flat(o.x, h, w, o.w, params.in_h, params.in_w);
      let v = x[j];
      if (best_index < 0 || (!is_nan(best) && (v > best || is_nan(v)))) {
        best = v;
        best_index = i32(j);
      }
    }
  }
  y[i] = best;
  argmax[i] = best_index;
}
