// A shifted 2-D window copy, NHWC: y[n, h, w, c] = x[n, h − top, w − left, c] where that is inside
// x, else 0. Positive top/left pad (ZeroPadding2D), negative ones crop (Cropping2D); each is the
// other's backward.
// Thread → element: one output element per invocation (lib/elementwise.wgsl), decoded into
// (n·h, w, c) with two divisions.
//!include lib/elementwise.wgsl

struct Params { n: u32, in_h: u32, in_w: u32, channels: u32, out_h: u32, out_w: u32, top: i32, left: i32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn per_element(i: u32) {
  let c = i % params.channels;
  let pixel = i / params.channels;
  let w = pixel % params.out_w;
  let nh = pixel / params.out_w;
  let n = nh / params.out_h;
  let h = i32(nh - n * params.out_h) - params.top;
  let iw = i32(w) - params.left;
  var v = 0.0;
  if (h >= 0 && h < i32(params.in_h) && iw >= 0 && iw < i32(params.in_w)) {
    v = x[((n * params.in_h + u32(h)) * params.in_w + u32(iw)) * params.channels + c];
  }
  y[i] = v;
}
