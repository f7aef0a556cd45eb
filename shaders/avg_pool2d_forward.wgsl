// Average pooling, NHWC: y[n, oh, ow, c] = mean of x over the window's input elements; with 'same'
// padding the padded positions are left out of both the sum and the count, as Keras does.
// Thread → element: one output element per invocation, as lib/pool.wgsl's element() maps it.
//!include lib/pool.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: PoolParams;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = element(gid);
  if (o.z >= params.out_w) { return; }
  let i = flat(o.x, o.y, o.z, o.w, params.out_h, params.out_w);
  let rows = window(o.y, params.pool_h, params.stride_h, params.pad_top, params.in_h);
  let cols = window(o.z, params.pool_w, params.stride_w, params.pad_left, params.in_w);
  var acc = 0.0;
  for (var h = rows.x; h < rows.y; h++) {
    for (var w = cols.x; w < cols.y; w++) {
      acc += x[flat(o.x, h, w, o.w, params.in_h, params.in_w)];
    }
  }
  y[i] = acc / f32((rows.y - rows.x) * (cols.y - cols.x));
}
