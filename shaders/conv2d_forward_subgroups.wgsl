enable subgroups;
// conv2d_forward.wgsl's implicit GEMM (y = act(conv2d(x, kernel) + bias); rows m = (n, oh, ow), columns
// f, inner dimension (kh, kw, c)) for SIMD-on-CPU adapters: see lib/conv2d_subgroups.wgsl.
// Shapes: x [N,H,W,C], kernel [KH,KW,C,F], bias [F] (read only when HAS_BIAS), y [N,OH,OW,F];
// params.groups = ⌈N·OH·OW / TM⌉. x4 and kernel4 are x and kernel again as vec4 arrays, read only
// when VEC_X: C % 4 == 0, and VEC_W: F % 4 == 0.
// Thread → elements: TM consecutive rows (lane-varying x reads, 4 channels at a time) × TN consecutive
// filters, f0 = workgroup_id.z·TN, whose weights the subgroup reads once and broadcasts. Row group
// g = gid.x + gid.y·(num_workgroups.x·WG) (folded past 65535 workgroups); lanes past the last group
// repeat it (subgroupBroadcast needs every lane) and store nothing.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl
//!include lib/conv2d_subgroups.wgsl

override HAS_BIAS: bool = false;
override VEC_X: bool = false;
override VEC_W: bool = false;
// Kernel height and width and input channels as pipeline constants, where src/ops/conv2d.ts
// specialises a convolution with few taps and channels (0: read from p). With constant trip counts
// NIR unrolls the tap and channel loops: the 3-channel first layer runs 1.8× faster.
override KH: i32 = 0;
override KW: i32 = 0;
override IN_C: i32 = 0;

fn kh() -> i32 { return select(p.kh, KH, KH > 0); }
fn kw() -> i32 { return select(p.kw, KW, KW > 0); }
fn in_c() -> i32 { return select(p.c, IN_C, IN_C > 0); }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;
@group(0) @binding(5) var<storage, read> x4: array<vec4f>;
@group(0) @binding(6) var<storage, read> kernel4: array<vec4f>;

/** Weights [c + i, f0 + q] for i < 4, q < TN (zero for c + i ≥ C); row (kh, kw, c) starts at kernel[k·F]. */
fn weights(k: i32, c: i32, f0: i32, lane: u32) -> array<array<f32, MAX_TN>, 4> {
  var b: array<array<f32, MAX_TN>, 4>;
  for (var nb = 0u; nb < NB; nb++) {
    let col = f0 + i32(BW * nb);
    if (VEC_W) {
      // Lane l reads filters col + 4·(l mod BW/4) .. +3 of row c + l / (BW/4).
      let per = BW / 4u;
      let w = bcast4(kernel4[((k + c + i32(lane / per)) * p.f + col + 4 * i32(lane % per)) >> 2]);
      for (var i = 0u; i < 4u; i++) {
        for (var q = 0u; q < BW; q++) { b[i][BW * nb + q] = w[i * per + q / 4u][q % 4u]; }
      }
    } else {
      for (var i = 0; i < 4; i++) {
        let w = bcast(select(0.0, kernel[(k + c + i) * p.f + col + i32(lane)], c + i < in_c()));
        for (var q = 0u; q < BW; q++) { b[i][BW * nb + q] = w[q]; }
      }
    }
  }
  return b;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(workgroup_id) wid: vec3u,
        @builtin(subgroup_invocation_id) sg: u32) {
  let lane = sg % BW;
  let last = i32(gid.x + gid.y * groups.x * WG) >= p.groups;
  let g = min(i32(gid.x + gid.y * groups.x * WG), p.groups - 1);
  let tn = BW * NB;
  let f0 = i32(wid.z * tn);
  let rows = p.n * p.oh * p.ow;

  // Each row's output pixel, as the top-left input pixel its window starts from.
  var n: array<i32, TM>;
  var ih0: array<i32, TM>;
  var iw0: array<i32, TM>;
  for (var j = 0u; j < TM; j++) {
    let o = window_origin(min(g * i32(TM) + i32(j), rows - 1));
    n[j] = o.x;
    ih0[j] = o.y;
    iw0[j] = o.z;
  }

  var acc: array<array<f32, MAX_TN>, TM>;
  for (var u = 0; u < kh(); u++) {
    for (var v = 0; v < kw(); v++) {
      var base: array<i32, TM>;
      var inside: array<bool, TM>;
      for (var j = 0u; j < TM; j++) {
        let ih = ih0[j] + u * dilation_h();
        let iw = iw0[j] + v * dilation_w();
        inside[j] = ih >= 0 && ih < p.h && iw >= 0 && iw < p.w;
        base[j] = select(0, ((n[j] * p.h + ih) * p.w + iw) * in_c(), inside[j]);
      }
      let k = (u * kw() + v) * in_c();
      // Channels 4 at a time; without VEC_X the last block's channels past C are zeros.
      for (var c = 0; c < in_c(); c += 4) {
        let b = weights(k, c, f0, lane);
        for (var j = 0u; j < TM; j++) {
          let i = base[j] + c;
          var a: vec4f;
          if (VEC_X) {
            a = select(vec4f(0.0), x4[i >> 2], inside[j]);
          } else {
            a = select(vec4f(0.0), vec4f(x[i], x[i + 1], x[i + 2], x[i + 3]), vec4<bool>(inside[j]) & (c + vec4i(0, 1, 2, 3) < vec4i(in_c())));
          }
          for (var q = 0u; q < tn; q++) { acc[j][q] += (a.x * b[0][q] + a.y * b[1][q]) + (a.z * b[2][q] + a.w * b[3][q]); }
        }
      }
    }
  }

  if (last) { return; }
  for (var j = 0u; j < TM; j++) {
    let m = g * i32(TM) + i32(j);
    if (m >= rows) { break; }
    for (var q = 0u; q < tn; q++) {
      let f = f0 + i32(q);
      if (f < p.f) {
        var z = acc[j][q];
        if (HAS_BIAS) { z += bias[f]; }
        y[m * p.f + f] = activate(z);
      }
    }
  }
}
