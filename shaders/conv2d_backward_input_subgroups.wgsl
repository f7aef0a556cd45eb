enable subgroups;
// conv2d_backward_input.wgsl's implicit GEMM (dx = the transposed convolution of dy, or Conv2DTranspose's
// act(· + bias); rows are input pixels, columns channels c, inner dimension the taps (kh, kw) that reach
// the pixel × f) for SIMD-on-CPU adapters: see lib/conv2d_subgroups.wgsl.
// Bindings: 0 dy [N,OH,OW,F], 1 kernel [KH,KW,C,F], 2 bias [C] (read only when HAS_BIAS), 3 dx [N,H,W,C]
// (write), 4 params (lib/conv2d.wgsl; groups = N·H·SW·⌈⌈W/SW⌉/(WG·TM)⌉ workgroups), 5 dy and 6 kernel
// again as vec4 arrays (read only when VEC: F % 4 == 0).
// Thread → elements: a workgroup takes WG·TM pixels of one row h at one phase w mod SW, so the taps
// that reach them, which depend on h and the phase, are the same for the whole subgroup (as its
// broadcasts require); workgroup g = ((n·H + h)·SW + phase)·blocks + block = workgroup_id.x +
// workgroup_id.y·num_workgroups.x (folded past 65535 workgroups), and lane i of it the TM
// pixels w = phase + SW·(TM·(block·WG + i) + j). Channels c0 = workgroup_id.z·TN: lane l reads the
// weights of channel c0 + l (+ BW·nb), 4 filters at a time, and broadcasts them.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl
//!include lib/conv2d_subgroups.wgsl

override HAS_BIAS: bool = false;
override VEC: bool = false;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;
@group(0) @binding(5) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(6) var<storage, read> kernel4: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) li: u32,
        @builtin(subgroup_invocation_id) sg: u32) {
  let g = i32(wid.x + wid.y * groups.x);
  if (g >= p.groups) { return; }
  let lane = sg % BW;
  let tn = BW * NB;
  let c0 = i32(wid.z * tn);
  let blocks = ((p.w + p.sw - 1) / p.sw + i32(WG * TM) - 1) / i32(WG * TM);
  let block = g % blocks;
  let phase = (g / blocks) % p.sw;
  let t = g / (blocks * p.sw);
  let h = t % p.h;
  let n = t / p.h;
  let w0 = phase + p.sw * i32(TM) * (block * i32(WG) + i32(li));

  var acc: array<array<f32, MAX_TN>, MAX_TM>;
  for (var u = (h + p.ph) % p.sh; u < p.kh; u += p.sh) {
    let oh = (h + p.ph - u) / p.sh;
    if (oh < 0 || oh >= p.oh) { continue; }
    for (var v = (phase + p.pw) % p.sw; v < p.kw; v += p.sw) {
      // Output column of this lane's first pixel; the others follow one by one.
      let ow0 = (w0 + p.pw - v) / p.sw;
      var base: array<i32, MAX_TM>;
      var inside: array<bool, MAX_TM>;
      for (var j = 0u; j < TM; j++) {
        let ow = ow0 + i32(j);
        inside[j] = ow >= 0 && ow < p.ow && w0 + p.sw * i32(j) < p.w;
        base[j] = select(0, ((n * p.oh + oh) * p.ow + ow) * p.f, inside[j]);
      }
      // Row of lane l's channel in the kernel; channels past C read neighbouring (or clamped) weights
      // into columns never stored.
      let k = ((u * p.kw + v) * p.c + c0 + i32(lane)) * p.f;
      // Filters 4 at a time; without VEC the last block's filters past F are zeros.
      for (var f = 0; f < p.f; f += 4) {
        let valid = f + vec4i(0, 1, 2, 3) < vec4i(p.f);
        var b: array<vec4f, MAX_TN>;
        for (var nb = 0u; nb < NB; nb++) {
          let i = k + i32(BW * nb) * p.f + f;
          var w: vec4f;
          if (VEC) { w = kernel4[i >> 2]; } else { w = select(vec4f(0.0), vec4f(kernel[i], kernel[i + 1], kernel[i + 2], kernel[i + 3]), valid); }
          let all = bcast4(w);
          for (var q = 0u; q < BW; q++) { b[BW * nb + q] = all[q]; }
        }
        for (var j = 0u; j < TM; j++) {
          let i = base[j] + f;
          var a: vec4f;
          if (VEC) { a = select(vec4f(0.0), dy4[i >> 2], inside[j]); } else { a = select(vec4f(0.0), vec4f(dy[i], dy[i + 1], dy[i + 2], dy[i + 3]), vec4<bool>(inside[j]) & valid); }
          for (var q = 0u; q < tn; q++) { acc[j][q] += (a.x * b[q].x + a.y * b[q].y) + (a.z * b[q].z + a.w * b[q].w); }
        }
      }
    }
  }

  for (var j = 0u; j < TM; j++) {
    let w = w0 + p.sw * i32(j);
    if (w >= p.w) { break; }
    let row = ((n * p.h + h) * p.w + w) * p.c;
    for (var q = 0u; q < tn; q++) {
      let c = c0 + i32(q);
      if (c < p.c) {
        var z = acc[j][q];
        if (HAS_BIAS) { z += bias[c]; }
        dx[row + c] = activate(z);
      }
    }
  }
}
