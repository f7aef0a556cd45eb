// dx = conv2d's input gradient (the transposed convolution of dy), as an implicit GEMM: rows are input
// pixels (n, h, w), columns channels c, inner dimension (kh, kw, f) over the taps that reach the pixel:
//   dx[n,h,w,c] = Σ dy[n, (h + PH − kh·DH)/SH, (w + PW − kw·DW)/SW, f] · kernel[kh,kw,c,f], exact quotients
// only (DH, DW > 1 only with SH = SW = 1: every tap of a row then divides exactly).
// With HAS_BIAS and ACT it is also Conv2DTranspose's forward pass: act(dx + bias[c]).
// Shapes: dy [N,OH,OW,F], kernel [KH,KW,C,F], bias [C] (read only when HAS_BIAS), dx [N,H,W,C];
// params.groups = N·H·SW·⌈⌈W/SW⌉/4⌉.
// Thread → elements: a register tile of 4 pixels × 8 consecutive channels. The 4 pixels lie in one
// row h at the same phase w mod SW (w = phase + SW·(4·q + j)), so one thread's pixels take the same
// taps and it skips the stride's holes instead of testing them. Thread index
// g = gid.x + gid.y·(num_workgroups.x·64) (folded past 65535 workgroups) → (n, h, phase, q), q fastest;
// the channel group c0 = 8·workgroup_id.z is shared by the x lanes, so kernel reads are uniform.
// Written out, like matmul_forward.wgsl and for the same reason: SwiftShader keeps arrays in memory.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl
//!include lib/store_row8.wgsl

override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;

// dy's offset of output column ow in dy row `row` (the offset of (n, oh, 0)), or -1 outside it or
// past the image (pixel w ≥ W).
fn dy_offset(row: i32, ow: i32, w: i32) -> i32 {
  return select(-1, (row + ow) * p.f, ow >= 0 && ow < p.ow && w < p.w);
}

fn dy_at(offset: i32, f: i32) -> f32 {
  return select(0.0, dy[max(offset, 0) + f], offset >= 0);
}

// kernel[tap, c .. c+3, f], tap = kh·KW + kw; channels past C read the last one's weights into
// accumulators never stored.
fn kernel4(tap: i32, c: i32, f: i32) -> vec4f {
  let last = p.c - 1;
  let row = tap * p.c;
  return vec4f(kernel[(row + min(c, last)) * p.f + f], kernel[(row + min(c + 1, last)) * p.f + f],
               kernel[(row + min(c + 2, last)) * p.f + f], kernel[(row + min(c + 3, last)) * p.f + f]);
}

fn store1(pixel: i32, c: i32, z: f32) {
  if (c >= p.c) { return; }
  var v = z;
  if (HAS_BIAS) { v += bias[c]; }
  dx[pixel * p.c + c] = activate(v);
}

// The tile's pixel in column w of image row `row` (n·H + h) as its index, or -1 past the image's
// width (lib/store_row8.wgsl).
fn out_pixel(row: i32, w: i32) -> i32 {
  return select(-1, row * p.w + w, w < p.w);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = i32(gid.x + gid.y * groups.x * 64u);
  if (g >= p.groups) { return; }
  let c0 = i32(gid.z * 8u);
  let perPhase = ((p.w + p.sw - 1) / p.sw + 3) / 4;
  let q = g % perPhase;
  let phase = (g / perPhase) % p.sw;
  let t = g / (perPhase * p.sw);
  let h = t % p.h;
  let n = t / p.h;
  let w0 = phase + p.sw * 4 * q;

  // acc<pixel><half>: half 0 holds channels c0 .. c0+3, half 1 c0+4 .. c0+7.
  var acc00 = vec4f(); var acc01 = vec4f();
  var acc10 = vec4f(); var acc11 = vec4f();
  var acc20 = vec4f(); var acc21 = vec4f();
  var acc30 = vec4f(); var acc31 = vec4f();
  for (var u = (h + p.ph) % p.sh; u < p.kh; u += p.sh) {
    let oh = (h + p.ph - u * p.dh) / p.sh;
    if (oh < 0 || oh >= p.oh) { continue; }
    let row = (n * p.oh + oh) * p.ow;
    for (var v = (phase + p.pw) % p.sw; v < p.kw; v += p.sw) {
      // Output column of this thread's first pixel; the others follow one by one.
      let ow0 = (w0 + p.pw - v * p.dw) / p.sw;
      let t0 = dy_offset(row, ow0, w0);
      let t1 = dy_offset(row, ow0 + 1, w0 + p.sw);
      let t2 = dy_offset(row, ow0 + 2, w0 + 2 * p.sw);
      let t3 = dy_offset(row, ow0 + 3, w0 + 3 * p.sw);
      let tap = u * p.kw + v;
      for (var f = 0; f < p.f; f++) {
        let b0 = kernel4(tap, c0, f);
        let b1 = kernel4(tap, c0 + 4, f);
        var a = dy_at(t0, f); acc00 += a * b0; acc01 += a * b1;
        a = dy_at(t1, f); acc10 += a * b0; acc11 += a * b1;
        a = dy_at(t2, f); acc20 += a * b0; acc21 += a * b1;
        a = dy_at(t3, f); acc30 += a * b0; acc31 += a * b1;
      }
    }
  }
  let row = n * p.h + h;
  store_row8(out_pixel(row, w0), c0, acc00, acc01);
  store_row8(out_pixel(row, w0 + p.sw), c0, acc10, acc11);
  store_row8(out_pixel(row, w0 + 2 * p.sw), c0, acc20, acc21);
  store_row8(out_pixel(row, w0 + 3 * p.sw), c0, acc30, acc31);
}
