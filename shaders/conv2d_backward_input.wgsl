// dx = conv2d's input gradient (the transposed convolution of dy), as an implicit GEMM: rows are input
// pixels (n, h, w), columns channels c, inner dimension (kh, kw, f) over the taps that reach the pixel:
//   dx[n,h,w,c] = Σ dy[n, (h + PH − kh)/SH, (w + PW − kw)/SW, f] · kernel[kh,kw,c,f], exact quotients only.
// With HAS_BIAS and ACT it is also Conv2DTranspose's forward pass: act(dx + bias[c]).
// Bindings: 0 dy [N,OH,OW,F], 1 kernel [KH,KW,C,F], 2 bias [C] (read only when HAS_BIAS), 3 dx [N,H,W,C]
// (write), 4 params (lib/conv2d.wgsl; groups = N·H·SW·⌈⌈W/SW⌉/TM⌉).
// Thread → elements: a register tile of TM pixels × 4·NV consecutive channels. The TM pixels lie in one
// row h at the same phase w mod SW (w = phase + SW·(TM·q + j)), so one thread's pixels take the same
// taps and it skips the stride's holes instead of testing them. Thread index
// g = gid.x + gid.y·(num_workgroups.x·64) (folded past 65535 workgroups) → (n, h, phase, q), q fastest;
// the channel group is workgroup_id.z, shared by the x lanes, so kernel reads are uniform.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl

override TM: u32 = 4u;
override NV: u32 = 1u;
override HAS_BIAS: bool = false;
const MAX_TM = 8u;
const MAX_NV = 2u;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = i32(gid.x + gid.y * groups.x * 64u);
  if (g >= p.groups) { return; }
  let c0 = i32(gid.z * 4u * NV);
  let perPhase = ((p.w + p.sw - 1) / p.sw + i32(TM) - 1) / i32(TM);
  let q = g % perPhase;
  let phase = (g / perPhase) % p.sw;
  let t = g / (perPhase * p.sw);
  let h = t % p.h;
  let n = t / p.h;
  let w0 = phase + p.sw * i32(TM) * q;

  var acc: array<array<vec4f, MAX_NV>, MAX_TM>;
  for (var u = (h + p.ph) % p.sh; u < p.kh; u += p.sh) {
    let oh = (h + p.ph - u) / p.sh;
    if (oh < 0 || oh >= p.oh) { continue; }
    for (var v = (phase + p.pw) % p.sw; v < p.kw; v += p.sw) {
      // Output column of this thread's first pixel; the others follow one by one.
      let ow0 = (w0 + p.pw - v) / p.sw;
      var base: array<i32, MAX_TM>;
      var inside: array<bool, MAX_TM>;
      for (var j = 0u; j < TM; j++) {
        let ow = ow0 + i32(j);
        inside[j] = ow >= 0 && ow < p.ow && w0 + p.sw * i32(j) < p.w;
        base[j] = select(0, ((n * p.oh + oh) * p.ow + ow) * p.f, inside[j]);
      }
      let k = ((u * p.kw + v) * p.c + c0) * p.f;
      for (var f = 0; f < p.f; f++) {
        // Channels past C read neighbouring (or clamped) kernel values into accumulators never stored.
        var b: array<vec4f, MAX_NV>;
        for (var r = 0u; r < NV; r++) {
          let i = k + i32(4u * r) * p.f + f;
          b[r] = vec4f(kernel[i], kernel[i + p.f], kernel[i + 2 * p.f], kernel[i + 3 * p.f]);
        }
        for (var j = 0u; j < TM; j++) {
          let a = select(0.0, dy[base[j] + f], inside[j]);
          for (var r = 0u; r < NV; r++) { acc[j][r] += a * b[r]; }
        }
      }
    }
  }

  for (var j = 0u; j < TM; j++) {
    let w = w0 + p.sw * i32(j);
    if (w >= p.w) { break; }
    let row = ((n * p.h + h) * p.w + w) * p.c;
    for (var r = 0u; r < NV; r++) {
      for (var e = 0; e < 4; e++) {
        let c = c0 + i32(4u * r) + e;
        if (c < p.c) {
          var z = acc[j][r][e];
          if (HAS_BIAS) { z += bias[c]; }
          dx[row + c] = activate(z);
        }
      }
    }
  }
}
