// 2-D upsampling's input gradient: dx[n, h, w, c] = Σ over outputs (oh, ow) of
// weight_h(oh, h) · weight_w(ow, w) · dy[n, oh, ow, c], gathered (no atomics).
// Nearest (BILINEAR false): the weights are 1 on the size_h × size_w block that (h, w) was copied to.
// Bilinear: tap(o, i) is the weight forward gives input index i for output index o (1 − f on
// ⌊o / s⌋, f on the next index, both on the last one at the edge); only outputs in
// [(i − 1)·s, (i + 1)·s) reach input i.
// Thread → element: one input element per invocation; x runs along dx's row (w, c), channels
// fastest, y is the row h, z the batch index n. With VEC4 an element is a vec4 of four channels:
// see lib/upsample.wgsl (its x is dy here, its y is dx).
//!include lib/upsample.wgsl

fn tap(o: u32, i: u32, s: u32, len: u32) -> f32 {
  let i0 = o / s;
  let f = f32(o % s) / f32(s);
  return select(0.0, 1.0 - f, i0 == i) + select(0.0, f, min(i0 + 1u, len - 1u) == i);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = params.channels;
  let w = gid.x / c;
  if (w >= params.in_w) { return; }
  let row = gid.z * params.in_h + gid.y;
  let out_w = params.in_w * params.size_w;
  var acc = vec4f();
  if (!BILINEAR) {
    // dy's rows row·size_h + a (a < size_h), since out_h = in_h · size_h; columns w·size_w + b.
    let corner = (row * params.size_h * out_w + w * params.size_w) * c + gid.x % c;
    for (var a = 0u; a < params.size_h; a++) {
      for (var b = 0u; b < params.size_w; b++) {
        acc += load(corner + (a * out_w + b) * c);
      }
    }
  } else {
    let h = gid.y;
    let out_h = params.in_h * params.size_h;
    let image = gid.z * out_h;
    let channel = gid.x % c;
    for (var oh = select(0u, (h - 1u) * params.size_h, h > 0u); oh < min((h + 1u) * params.size_h, out_h); oh++) {
      let wh = tap(oh, h, params.size_h, params.in_h);
      for (var ow = select(0u, (w - 1u) * params.size_w, w > 0u); ow < min((w + 1u) * params.size_w, out_w); ow++) {
        acc += wh * tap(ow, w, params.size_w, params.in_w) * load(((image + oh) * out_w + ow) * c + channel);
      }
    }
  }
  store(row * params.in_w * c + gid.x, acc);
}
