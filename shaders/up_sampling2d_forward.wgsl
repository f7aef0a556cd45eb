// 2-D upsampling by integer factors, NHWC. Nearest (BILINEAR false): y[n, h, w, c] =
// x[n, h / size_h, w / size_w, c]. Bilinear (TF.js's resizeBilinear with alignCorners and
// halfPixelCenters false, ONNX's 'asymmetric'): output row h samples input row h / size_h exactly,
// i.e. between rows h0 = ⌊h / size_h⌋ and h1 = min(h0 + 1, in_h − 1) at fraction (h mod size_h) / size_h
// (the last rows clamp to the edge); columns alike; top and bottom rows are blended as TF.js does.
// Thread → element: one output element per invocation; x runs along y's row (w, c), channels
// fastest, y is the row h, z the batch index n, so few integer divisions locate a thread (they are
// scalarised on the CPU adapters). With VEC4 an element is a vec4 of four channels: see
// lib/upsample.wgsl.
//!include lib/upsample.wgsl

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = params.channels;
  let out_w = params.in_w * params.size_w;
  let w = gid.x / c;
  if (w >= out_w) { return; }
  let n = gid.z;
  let out_row = n * params.in_h * params.size_h + gid.y;
  let image = n * params.in_h;
  let channel = gid.x % c;
  if (!BILINEAR) {
    store(out_row * out_w * c + gid.x, load(((image + gid.y / params.size_h) * params.in_w + w / params.size_w) * c + channel));
    return;
  }
  let h0 = gid.y / params.size_h;
  let h1 = min(h0 + 1u, params.in_h - 1u);
  let fh = f32(gid.y % params.size_h) / f32(params.size_h);
  let w0 = w / params.size_w;
  let w1 = min(w0 + 1u, params.in_w - 1u);
  let fw = f32(w % params.size_w) / f32(params.size_w);
  let top = (image + h0) * params.in_w;
  let bottom = (image + h1) * params.in_w;
  let top_left = load((top + w0) * c + channel);
  let bottom_left = load((bottom + w0) * c + channel);
  let upper = top_left + (load((top + w1) * c + channel) - top_left) * fw;
  let lower = bottom_left + (load((bottom + w1) * c + channel) - bottom_left) * fw;
  store(out_row * out_w * c + gid.x, upper + (lower - upper) * fh);
}
