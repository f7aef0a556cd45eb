// y = act(conv2d(x, kernel) + bias) as an implicit GEMM: rows m = (n, oh, ow) (N·OH·OW of them),
// columns f (F), inner dimension (kh, kw, c) read straight from x, never materialised.
// Shapes: x [N,H,W,C], kernel [KH,KW,C,F], bias [F] (read only when HAS_BIAS), y [N,OH,OW,F];
// params.groups = ⌈N·OH·OW / 4⌉.
// Thread → elements: a register tile of 4 consecutive rows × 8 consecutive filters. The x lanes of a
// workgroup take consecutive row groups, g = gid.x + gid.y·(num_workgroups.x·64) (folded past 65535
// workgroups), and share one filter group f0 = 8·workgroup_id.z: their kernel reads are uniform (one
// load for all lanes) and only the x reads differ per lane.
// Written out, like matmul_forward.wgsl and for the same reason: SwiftShader keeps arrays in memory.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl
//!include lib/store_row8.wgsl

override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;

// Where row o's window (lib/conv2d.wgsl's window_origin) reads tap (u, v): the offset of its channel 0
// in x, or -1 outside the input (zero padding).
fn tap_offset(o: vec3i, u: i32, v: i32) -> i32 {
  let ih = o.y + u * p.dh;
  let iw = o.z + v * p.dw;
  return select(-1, ((o.x * p.h + ih) * p.w + iw) * p.c, ih >= 0 && ih < p.h && iw >= 0 && iw < p.w);
}

fn x_at(offset: i32, c: i32) -> f32 {
  return select(0.0, x[max(offset, 0) + c], offset >= 0);
}

// Kernel row k (a (kh, kw, c) triple), filters f .. f+3; filters past F read the last one's values
// into accumulators never stored.
fn kernel4(k: i32, f: i32) -> vec4f {
  let last = p.f - 1;
  let row = k * p.f;
  return vec4f(kernel[row + min(f, last)], kernel[row + min(f + 1, last)], kernel[row + min(f + 2, last)], kernel[row + min(f + 3, last)]);
}

fn store1(m: i32, f: i32, z: f32) {
  if (f >= p.f) { return; }
  var v = z;
  if (HAS_BIAS) { v += bias[f]; }
  y[m * p.f + f] = activate(v);
}

// Output pixel m, or -1 past the last one (lib/store_row8.wgsl).
fn out_row(m: i32) -> i32 {
  return select(-1, m, m < p.n * p.oh * p.ow);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = i32(gid.x + gid.y * groups.x * 64u);
  if (g >= p.groups) { return; }
  let f0 = i32(gid.z * 8u);
  let m0 = g * 4;
  let last = p.n * p.oh * p.ow - 1;
  let o0 = window_origin(m0);
  let o1 = window_origin(min(m0 + 1, last));
  let o2 = window_origin(min(m0 + 2, last));
  let o3 = window_origin(min(m0 + 3, last));
  // acc<row><half>: half 0 holds filters f0 .. f0+3, half 1 f0+4 .. f0+7.
  var acc00 = vec4f(); var acc01 = vec4f();
  var acc10 = vec4f(); var acc11 = vec4f();
  var acc20 = vec4f(); var acc21 = vec4f();
  var acc30 = vec4f(); var acc31 = vec4f();
  var k = 0;
  for (var u = 0; u < p.kh; u++) {
    for (var v = 0; v < p.kw; v++) {
      let t0 = tap_offset(o0, u, v);
      let t1 = tap_offset(o1, u, v);
      let t2 = tap_offset(o2, u, v);
      let t3 = tap_offset(o3, u, v);
      for (var c = 0; c < p.c; c++) {
        let b0 = kernel4(k, f0);
        let b1 = kernel4(k, f0 + 4);
        var a = x_at(t0, c); acc00 += a * b0; acc01 += a * b1;
        a = x_at(t1, c); acc10 += a * b0; acc11 += a * b1;
        a = x_at(t2, c); acc20 += a * b0; acc21 += a * b1;
        a = x_at(t3, c); acc30 += a * b0; acc31 += a * b1;
        k++;
      }
    }
  }
  store_row8(out_row(m0), f0, acc00, acc01);
  store_row8(out_row(m0 + 1), f0, acc10, acc11);
  store_row8(out_row(m0 + 2), f0, acc20, acc21);
  store_row8(out_row(m0 + 3), f0, acc30, acc31);
}
