// dkernel = patchesᵀ · dy as an implicit GEMM: rows r = (kh, kw, c) in Keras's [KH,KW,C,F] order,
// columns f, inner dimension the output pixels m = (n, oh, ow), split into chunks of p.chunk pixels:
//   part[s, r, f] = Σ_{m in chunk s} x[n, oh·SH − PH + kh, ow·SW − PW + kw, c] · dy[m, f]
// (conv2d_backward_filter_reduce sums the parts; with one chunk part is dkernel itself).
// Bindings: 0 x [N,H,W,C], 1 dy [N,OH,OW,F], 2 part [S,KH,KW,C,F] (write), 3 params (lib/conv2d.wgsl;
// groups = KH·KW·⌈C/TM⌉).
// Thread → elements: a register tile of TM consecutive channels of one tap (kh, kw) × 4·NV consecutive
// filters, so one bounds test serves its TM rows. Row group = gid.x (lanes), filter group =
// workgroup_id.y, chunk s = workgroup_id.z: all lanes walk the same pixels, so dy reads are uniform.
//!include lib/conv2d.wgsl

override TM: u32 = 4u;
override NV: u32 = 1u;
override WG: u32 = 8u;
const MAX_TM = 8u;
const MAX_NV = 2u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> p: Conv;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let g = i32(gid.x);
  if (g >= p.groups) { return; }
  let f0 = i32(gid.y * 4u * NV);
  let s = i32(gid.z);
  let cGroups = (p.c + i32(TM) - 1) / i32(TM);
  let c0 = (g % cGroups) * i32(TM);
  let tap = g / cGroups;
  let u = tap / p.kw;
  let v = tap % p.kw;
  let rows = p.n * p.oh * p.ow;

  // Pixel counters for the chunk's first output pixel, advanced one pixel at a time.
  let first = s * p.chunk;
  let last = min(first + p.chunk, rows);
  var ow = first % p.ow;
  var oh = (first / p.ow) % p.oh;
  var n = first / (p.ow * p.oh);
  var acc: array<array<vec4f, MAX_NV>, MAX_TM>;
  for (var m = first; m < last; m++) {
    let ih = oh * p.sh - p.ph + u;
    let iw = ow * p.sw - p.pw + v;
    if (ih >= 0 && ih < p.h && iw >= 0 && iw < p.w) {
      let base = ((n * p.h + ih) * p.w + iw) * p.c + c0;
      // Filters past F read the next pixel's (or clamped) values into accumulators never stored.
      var b: array<vec4f, MAX_NV>;
      for (var q = 0u; q < NV; q++) {
        let i = m * p.f + f0 + i32(4u * q);
        b[q] = vec4f(dy[i], dy[i + 1], dy[i + 2], dy[i + 3]);
      }
      // Channels past C read the next pixel's (or clamped) values into rows never stored.
      for (var j = 0u; j < TM; j++) {
        let a = x[base + i32(j)];
        for (var q = 0u; q < NV; q++) { acc[j][q] += a * b[q]; }
      }
    }
    ow++;
    if (ow == p.ow) {
      ow = 0;
      oh++;
      if (oh == p.oh) {
        oh = 0;
        n++;
      }
    }
  }

  let out = s * p.kh * p.kw * p.c * p.f;
  for (var j = 0u; j < TM; j++) {
    let c = c0 + i32(j);
    if (c >= p.c) { break; }
    let row = out + (tap * p.c + c) * p.f;
    for (var q = 0u; q < NV; q++) {
      for (var e = 0; e < 4; e++) {
        let f = f0 + i32(4u * q) + e;
        if (f < p.f) { part[row + f] = acc[j][q][e]; }
      }
    }
  }
}
