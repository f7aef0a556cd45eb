enable subgroups;
// conv2d_backward_filter.wgsl's implicit GEMM (part[s, (kh, kw, c), f] = Σ over chunk s of the output
// pixels m of x[n, oh·SH − PH + kh·DH, ow·SW − PW + kw·DW, c] · dy[m, f]) for SIMD-on-CPU adapters: see
// lib/conv2d_subgroups.wgsl.
// Shapes: x [N,H,W,C], dy [N,OH,OW,F], part [S,KH,KW,C,F]; params.groups = KH·KW·⌈C/4⌉. x4 and dy4
// are x and dy again as vec4 arrays, read only when VEC_X: C % 4 == 0, and VEC_DY: F % 4 == 0.
// With BIAS, also the bias gradient: bias_part[s, f] = Σ over chunk s of dy[m, f], from the dy values
// every lane holds anyway (a pass over dy and its dispatches saved), summed only by the workgroups
// of row groups 0..WG-1 (a uniform branch: the others would repeat it) and stored by invocation 0 of
// each (filter tile, chunk). Without BIAS bias_part is any small buffer, never written.
// Thread → elements: 4 consecutive channels of one tap (kh, kw) × TN consecutive filters. Row group
// g = gid.x (lanes past the last one repeat it and store nothing), filters f0 = workgroup_id.y·TN,
// chunk s = workgroup_id.z: all lanes walk the same pixels, whose dy values the subgroup reads once
// and broadcasts.
//!include lib/conv2d.wgsl
//!include lib/conv2d_subgroups.wgsl

override VEC_X: bool = false;
override VEC_DY: bool = false;
override BIAS: bool = false;
// Input channels where there are fewer than 4 (an RGB or grey first layer; src/ops/conv2d.ts sets it
// then, 0 otherwise): the loads of the channels past them compile away instead of reading the next
// pixel's values into rows never stored.
override IN_C: i32 = 0;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> p: Conv;
@group(0) @binding(4) var<storage, read> x4: array<vec4f>;
@group(0) @binding(5) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> bias_part: array<f32>;

/** dy[m + i, f0 + q] for i < 4, q < TN, zero for m + i ≥ last. */
fn gradients(m: i32, last: i32, f0: i32, lane: u32) -> array<array<f32, MAX_TN>, 4> {
  var b: array<array<f32, MAX_TN>, 4>;
  for (var nb = 0u; nb < NB; nb++) {
    let col = f0 + i32(BW * nb);
    if (VEC_DY) {
      // Lane l reads filters col + 4·(l mod BW/4) .. +3 of pixel m + l / (BW/4).
      let per = BW / 4u;
      let d = bcast4(dy4[((m + i32(lane / per)) * p.f + col + 4 * i32(lane % per)) >> 2]);
      for (var i = 0u; i < 4u; i++) {
        for (var q = 0u; q < BW; q++) { b[i][BW * nb + q] = select(0.0, d[i * per + q / 4u][q % 4u], m + i32(i) < last); }
      }
    } else {
      for (var i = 0; i < 4; i++) {
        let d = bcast(select(0.0, dy[(m + i) * p.f + col + i32(lane)], m + i < last));
        for (var q = 0u; q < BW; q++) { b[i][BW * nb + q] = d[q]; }
      }
    }
  }
  return b;
}

/** Channels c0 .. c0+3 of input pixel (ih, iw) of image n, or zeros outside the image. */
fn pixel(n: i32, ih: i32, iw: i32, c0: i32) -> vec4f {
  let inside = ih >= 0 && ih < p.h && iw >= 0 && iw < p.w;
  let i = select(0, ((n * p.h + ih) * p.w + iw) * p.c + c0, inside);
  // Channels past C read the next pixel's (or clamped) values into rows never stored.
  var a: vec4f;
  if (VEC_X) {
    a = x4[i >> 2];
  } else if (IN_C > 0) {
    a = vec4f(x[i], 0.0, 0.0, 0.0);
    if (IN_C > 1) { a.y = x[i + 1]; }
    if (IN_C > 2) { a.z = x[i + 2]; }
  } else {
    a = vec4f(x[i], x[i + 1], x[i + 2], x[i + 3]);
  }
  return select(vec4f(0.0), a, inside);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) sg: u32) {
  let lane = sg % BW;
  let g = min(i32(gid.x), p.groups - 1);
  let tn = BW * NB;
  let f0 = i32(wid.y * tn);
  let s = i32(wid.z);
  let sums_bias = BIAS && wid.x == 0u;
  let rowGroup = filter_rows(g);
  let c0 = rowGroup.x;
  let tap = rowGroup.y;
  let u = rowGroup.z;
  let v = rowGroup.w;

  // The output pixel (ow, oh, n) of m, from the chunk's first, advanced one pixel at a time.
  let first = s * p.chunk;
  let last = min(first + p.chunk, p.n * p.oh * p.ow);
  var q = pixel_counters(first);
  var acc: array<array<f32, MAX_TN>, 4>;
  var bias_acc: array<f32, MAX_TN>;
  // Pixels 4 at a time; the chunk's last block may end past it (zeros).
  for (var m = first; m < last; m += 4) {
    var a: array<vec4f, 4>;
    for (var i = 0; i < 4; i++) {
      a[i] = select(vec4f(0.0), pixel(q.z, q.y * p.sh - p.ph + u * dilation_h(), q.x * p.sw - p.pw + v * dilation_w(), c0), m + i < last);
      next_pixel(&q);
    }
    let b = gradients(m, last, f0, lane);
    if (sums_bias) {
      for (var e = 0u; e < tn; e++) { bias_acc[e] += (b[0][e] + b[1][e]) + (b[2][e] + b[3][e]); }
    }
    for (var j = 0u; j < 4u; j++) {
      for (var e = 0u; e < tn; e++) { acc[j][e] += (a[0][j] * b[0][e] + a[1][j] * b[1][e]) + (a[2][j] * b[2][e] + a[3][j] * b[3][e]); }
    }
  }

  if (sums_bias && gid.x == 0u) {
    for (var e = 0u; e < tn; e++) {
      let f = f0 + i32(e);
      if (f < p.f) { bias_part[s * p.f + f] = bias_acc[e]; }
    }
  }
  if (i32(gid.x) >= p.groups) { return; }
  let out = s * p.kh * p.kw * p.c * p.f;
  for (var j = 0; j < 4; j++) {
    let c = c0 + j;
    if (c >= p.c) { break; }
    let row = out + (tap * p.c + c) * p.f;
    for (var e = 0u; e < tn; e++) {
      let f = f0 + i32(e);
      if (f < p.f) { part[row + f] = acc[j][e]; }
    }
  }
}
