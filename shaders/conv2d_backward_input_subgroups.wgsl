enable subgroups;
// conv2d_backward_input.wgsl's implicit GEMM (dx = the transposed convolution of dy, or Conv2DTranspose's
// act(· + bias); rows are input pixels, columns channels c, inner dimension the taps (kh, kw) that reach
// the pixel × f) for SIMD-on-CPU adapters: see lib/conv2d_subgroups.wgsl.
// Shapes: dy [N,OH,OW,F], kernel [KH,KW,C,F], bias [C] (read only when HAS_BIAS), dx [N,H,W,C];
// params.groups = N·SH·SW·blocks workgroups. dy4 and kernel4 are dy and kernel again as vec4
// arrays, read only when VEC: F % 4 == 0.
// Thread → elements: a workgroup takes WG·TM pixels of one image at one stride phase (h mod SH,
// w mod SW), so the taps that can reach them are the same for the whole subgroup (as its broadcasts
// require; which of them do is a per-pixel mask). The phase's pixels h = ph + SH·a, w = pw + SW·b form
// a ⌈H/SH⌉ × ⌈W/SW⌉ grid (padded: pixels past H or W are masked), numbered t = a·⌈W/SW⌉ + b; workgroup
// g = ((n·SH + ph)·SW + pw)·blocks + block = workgroup_id.x + workgroup_id.y·num_workgroups.x (folded
// past 65535 workgroups) takes t in [block·WG·TM, (block + 1)·WG·TM), lane i the TM of them from
// (block·WG + i)·TM. Channels c0 = workgroup_id.z·TN: lane l reads the weights of channel
// c0 + l (+ BW·nb), 4 filters at a time, and broadcasts them.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl
//!include lib/conv2d_subgroups.wgsl

override HAS_BIAS: bool = false;
override VEC: bool = false;
// F where there are fewer than 4 filters (a last layer to RGB or grey; src/ops/conv2d.ts sets it then,
// 0 otherwise): one unrolled step whose loads past F compile away.
override IN_F: i32 = 0;

fn filters() -> i32 { return select(p.f, IN_F, IN_F > 0); }

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
  let rows = (p.h + p.sh - 1) / p.sh;
  let cols = (p.w + p.sw - 1) / p.sw;
  let blocks = (rows * cols + i32(WG * TM) - 1) / i32(WG * TM);
  let block = g % blocks;
  let pw = (g / blocks) % p.sw;
  let ph = (g / (blocks * p.sw)) % p.sh;
  let n = g / (blocks * p.sw * p.sh);

  // The first taps that reach this phase's pixels; later ones are SH (SW) apart.
  let u0 = (ph + p.ph) % p.sh;
  let v0 = (pw + p.pw) % p.sw;
  // This lane's pixels, as (h, w), whether they are in the image, and the dy pixel (oh0, ow0) that
  // tap (u0, v0) reaches from them: tap (u0 + SH·iu, v0 + SW·iv) reaches (oh0 − iu, ow0 − iv). Kept
  // incremental because the integer divisions would cost a scalar loop over the lanes per tap. With
  // dilation (strides 1: one phase, every tap) tap (u, v) reaches (oh0 − DH·u, ow0 − DW·v).
  var h: array<i32, TM>;
  var w: array<i32, TM>;
  var oh0: array<i32, TM>;
  var ow0: array<i32, TM>;
  var valid: array<bool, TM>;
  for (var j = 0u; j < TM; j++) {
    let t = (block * i32(WG) + i32(li)) * i32(TM) + i32(j);
    h[j] = ph + p.sh * (t / cols);
    w[j] = pw + p.sw * (t % cols);
    oh0[j] = t / cols + (ph + p.ph - u0) / p.sh;
    ow0[j] = t % cols + (pw + p.pw - v0) / p.sw;
    valid[j] = t < rows * cols && h[j] < p.h && w[j] < p.w;
  }

  var acc: array<array<f32, MAX_TN>, TM>;
  var iu = 0;
  for (var u = u0; u < p.kh; u += p.sh) {
    var iv = 0;
    for (var v = v0; v < p.kw; v += p.sw) {
      // The dy pixel each of this lane's pixels takes from tap (u, v), if any.
      var base: array<i32, TM>;
      var inside: array<bool, TM>;
      for (var j = 0u; j < TM; j++) {
        let oh = oh0[j] - iu * dilation_h();
        let ow = ow0[j] - iv * dilation_w();
        inside[j] = valid[j] && oh >= 0 && oh < p.oh && ow >= 0 && ow < p.ow;
        base[j] = select(0, ((n * p.oh + oh) * p.ow + ow) * p.f, inside[j]);
      }
      // Row of lane l's channel in the kernel; channels past C read neighbouring (or clamped) weights
      // into columns never stored.
      let k = ((u * p.kw + v) * p.c + c0 + i32(lane)) * p.f;
      // Filters 4 at a time; without VEC the last block's filters past F are zeros.
      for (var f = 0; f < filters(); f += 4) {
        let live = f + vec4i(0, 1, 2, 3) < vec4i(filters());
        var wk: array<vec4f, MAX_NB>;
        for (var nb = 0u; nb < MAX_NB; nb++) {
          if (nb < NB) {
            let i = k + i32(BW * nb) * p.f + f;
            if (VEC) { wk[nb] = kernel4[i >> 2]; } else { wk[nb] = select(vec4f(0.0), vec4f(kernel[i], kernel[i + 1], kernel[i + 2], kernel[i + 3]), live); }
          }
        }
        var b: array<vec4f, MAX_TN>;
        for (var q = 0u; q < MAX_TN; q++) { b[q] = subgroupShuffle(wk[q / BW], q % BW); }
        for (var j = 0u; j < TM; j++) {
          let i = base[j] + f;
          var a: vec4f;
          if (VEC) { a = select(vec4f(0.0), dy4[i >> 2], inside[j]); } else { a = select(vec4f(0.0), vec4f(dy[i], dy[i + 1], dy[i + 2], dy[i + 3]), vec4<bool>(inside[j]) & live); }
          for (var q = 0u; q < tn; q++) { acc[j][q] += (a.x * b[q].x + a.y * b[q].y) + (a.z * b[q].z + a.w * b[q].w); }
        }
      }
      iv++;
    }
    iu++;
  }

  for (var j = 0u; j < TM; j++) {
    if (!valid[j]) { continue; }
    let row = ((n * p.h + h[j]) * p.w + w[j]) * p.c;
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
