// dkernel = patchesᵀ · dy as an implicit GEMM: rows r = (kh, kw, c) in Keras's [KH,KW,C,F] order,
// columns f, inner dimension the output pixels m = (n, oh, ow), split into chunks of p.chunk pixels:
//   part[s, r, f] = Σ_{m in chunk s} x[n, oh·SH − PH + kh·DH, ow·SW − PW + kw·DW, c] · dy[m, f]
// (conv2d_backward_filter_reduce sums the parts; with one chunk part is dkernel itself).
// Shapes: x [N,H,W,C], dy [N,OH,OW,F], part [S,KH,KW,C,F]; params.groups = KH·KW·⌈C/4⌉.
// Thread → elements: a register tile of 4 consecutive channels of one tap (kh, kw) × 8 consecutive
// filters, so one bounds test serves its 4 rows. Row group = gid.x (lanes), filter group f0 =
// 8·workgroup_id.y, chunk s = workgroup_id.z: all lanes walk the same pixels, so dy reads are uniform.
// Written out, like matmul_forward.wgsl and for the same reason: SwiftShader keeps arrays in memory.
//!include lib/conv2d.wgsl
//!include lib/store_row8.wgsl

override WG: u32 = 8u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> p: Conv;

// dy[m, f .. f+3]; filters past F read the last one's values into accumulators never stored.
fn dy4(m: i32, f: i32) -> vec4f {
  let last = p.f - 1;
  let row = m * p.f;
  return vec4f(dy[row + min(f, last)], dy[row + min(f + 1, last)], dy[row + min(f + 2, last)], dy[row + min(f + 3, last)]);
}

// Row `row` of part is (s, tap, c) flattened.
fn store1(row: i32, f: i32, value: f32) {
  if (f < p.f) { part[row * p.f + f] = value; }
}

// Channel c's row of part for chunk s and tap, or -1 past the last channel (lib/store_row8.wgsl).
fn out_row(s: i32, tap: i32, c: i32) -> i32 {
  return select(-1, (s * p.kh * p.kw + tap) * p.c + c, c < p.c);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let g = i32(gid.x);
  if (g >= p.groups) { return; }
  let f0 = i32(gid.y * 8u);
  let s = i32(gid.z);
  let rowGroup = filter_rows(g);
  let c0 = rowGroup.x;
  let tap = rowGroup.y;
  let u = rowGroup.z;
  let v = rowGroup.w;
  let rows = p.n * p.oh * p.ow;
  // Channels past C read the last one's values into rows never stored.
  let c1 = min(c0 + 1, p.c - 1);
  let c2 = min(c0 + 2, p.c - 1);
  let c3 = min(c0 + 3, p.c - 1);

  // The output pixel (ow, oh, n) of m, from the chunk's first, advanced one pixel at a time.
  let first = s * p.chunk;
  let last = min(first + p.chunk, rows);
  var q = pixel_counters(first);
  // acc<channel><half>: half 0 holds filters f0 .. f0+3, half 1 f0+4 .. f0+7.
  var acc00 = vec4f(); var acc01 = vec4f();
  var acc10 = vec4f(); var acc11 = vec4f();
  var acc20 = vec4f(); var acc21 = vec4f();
  var acc30 = vec4f(); var acc31 = vec4f();
  for (var m = first; m < last; m++) {
    let ih = q.y * p.sh - p.ph + u * p.dh;
    let iw = q.x * p.sw - p.pw + v * p.dw;
    if (ih >= 0 && ih < p.h && iw >= 0 && iw < p.w) {
      let pixel = ((q.z * p.h + ih) * p.w + iw) * p.c;
      let b0 = dy4(m, f0);
      let b1 = dy4(m, f0 + 4);
      var a = x[pixel + c0]; acc00 += a * b0; acc01 += a * b1;
      a = x[pixel + c1]; acc10 += a * b0; acc11 += a * b1;
      a = x[pixel + c2]; acc20 += a * b0; acc21 += a * b1;
      a = x[pixel + c3]; acc30 += a * b0; acc31 += a * b1;
    }
    next_pixel(&q);
  }

  store_row8(out_row(s, tap, c0), f0, acc00, acc01);
  store_row8(out_row(s, tap, c0 + 1), f0, acc10, acc11);
  store_row8(out_row(s, tap, c0 + 2), f0, acc20, acc21);
  store_row8(out_row(s, tap, c0 + 3), f0, acc30, acc31);
}
