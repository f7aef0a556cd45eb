// Max pooling, NHWC: y[n, oh, ow, c] = max of x over the window, and argmax = the flat index into x
// of the chosen element (read by max_pool2d_backward). Ties keep the first maximum in row-major scan
// order; a NaN in the window wins and is kept (as IEEE max would propagate it). lib/activation.wgsl
// is included for is_nan only.
// x4 is x again as vec4s, read only when LANES is 4; y4 and argmax4 are where the results go then
// (vec4 stores, not four scalar ones each), and the unused ones of y, argmax, y4 and argmax4 are
// bound to scratch buffers (two writable bindings of one buffer may not alias).
// Thread → elements: LANES consecutive channels of one output pixel, as lib/pool.wgsl's element()
// maps it. With LANES 4 each window element is one vec4 read, which llvmpipe does far faster than
// four float reads; the channels are then compared side by side in the four components.
//!include lib/pool.wgsl
//!include lib/activation.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> argmax: array<i32>;
@group(0) @binding(3) var<uniform> params: PoolParams;
@group(0) @binding(4) var<storage, read> x4: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> y4: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> argmax4: array<vec4i>;

fn is_nan4(v: vec4f) -> vec4<bool> {
  return vec4<bool>(is_nan(v.x), is_nan(v.y), is_nan(v.z), is_nan(v.w));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = element(gid);
  if (o.z >= params.out_w) { return; }
  let i = flat(o.x, o.y, o.z, o.w, params.out_h, params.out_w);
  let rows = window(o.y, params.pool_h, params.stride_h, params.pad_top, params.in_h);
  let cols = window(o.z, params.pool_w, params.stride_w, params.pad_left, params.in_w);
  // Every window holds at least one input element ('same' pads less than a window).
  var best = vec4f();
  var best_index = vec4i(-1);
  for (var h = rows.x; h < rows.y; h++) {
    for (var w = cols.x; w < cols.y; w++) {
      let j = flat(o.x, h, w, o.w, params.in_h, params.in_w);
      var v: vec4f;
      if (LANES == 4u) { v = x4[j / 4u]; } else { v = vec4f(x[j]); }
      let take = (best_index < vec4i(0)) | (!is_nan4(best) & ((v > best) | is_nan4(v)));
      best = select(best, v, take);
      best_index = select(best_index, i32(j) + vec4i(0, 1, 2, 3), take);
    }
  }
  if (LANES == 4u) {
    y4[i / 4u] = best;
    argmax4[i / 4u] = best_index;
  } else {
    y[i] = best.x;
    argmax[i] = best_index.x;
  }
}
