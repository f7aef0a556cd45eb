// y = act(conv2d(x, kernel) + bias) as an implicit GEMM: rows m = (n, oh, ow) (N·OH·OW of them),
// columns f (F), inner dimension (kh, kw, c) read straight from x, never materialised.
// Bindings: 0 x [N,H,W,C], 1 kernel [KH,KW,C,F], 2 bias [F] (read only when HAS_BIAS), 3 y [N,OH,OW,F]
// (write), 4 params (lib/conv2d.wgsl; groups = ⌈N·OH·OW / TM⌉).
// Thread → elements: a register tile of TM consecutive rows × 4·NV consecutive filters. The x lanes of
// a workgroup take consecutive row groups, g = gid.x + gid.y·(num_workgroups.x·64) (folded past 65535
// workgroups), and share one filter group, workgroup_id.z: their kernel reads are uniform (one load
// for all lanes) and only the x reads differ per lane.
//!include lib/activation.wgsl
//!include lib/conv2d.wgsl

override TM: u32 = 4u;
override NV: u32 = 1u;
override HAS_BIAS: bool = false;
const MAX_TM = 8u;
const MAX_NV = 2u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> kernel: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = i32(gid.x + gid.y * groups.x * 64u);
  if (g >= p.groups) { return; }
  let f0 = i32(gid.z * 4u * NV);
  let rows = p.n * p.oh * p.ow;

  // Each row's output pixel, as the top-left input pixel its window starts from.
  var n: array<i32, MAX_TM>;
  var ih0: array<i32, MAX_TM>;
  var iw0: array<i32, MAX_TM>;
  for (var j = 0u; j < TM; j++) {
    let o = window_origin(min(g * i32(TM) + i32(j), rows - 1));
    n[j] = o.x;
    ih0[j] = o.y;
    iw0[j] = o.z;
  }

  var acc: array<array<vec4f, MAX_NV>, MAX_TM>;
  for (var u = 0; u < p.kh; u++) {
    for (var v = 0; v < p.kw; v++) {
      var base: array<i32, MAX_TM>;
      var inside: array<bool, MAX_TM>;
      for (var j = 0u; j < TM; j++) {
        let ih = ih0[j] + u;
        let iw = iw0[j] + v;
        inside[j] = ih >= 0 && ih < p.h && iw >= 0 && iw < p.w;
        base[j] = select(0, ((n[j] * p.h + ih) * p.w + iw) * p.c, inside[j]);
      }
      var k = ((u * p.kw + v) * p.c) * p.f + f0;
      for (var c = 0; c < p.c; c++) {
        // Columns past F read neighbouring (or clamped) kernel values into accumulators never stored.
        var b: array<vec4f, MAX_NV>;
        for (var q = 0u; q < NV; q++) {
          let i = k + i32(4u * q);
          b[q] = vec4f(kernel[i], kernel[i + 1], kernel[i + 2], kernel[i + 3]);
        }
        for (var j = 0u; j < TM; j++) {
          let a = select(0.0, x[base[j] + c], inside[j]);
          for (var q = 0u; q < NV; q++) { acc[j][q] += a * b[q]; }
        }
        k += p.f;
      }
    }
  }

  for (var j = 0u; j < TM; j++) {
    let m = g * i32(TM) + i32(j);
    if (m >= rows) { break; }
    for (var q = 0u; q < NV; q++) {
      for (var e = 0; e < 4; e++) {
        let f = f0 + i32(4u * q) + e;
        if (f < p.f) {
          var z = acc[j][q][e];
          if (HAS_BIAS) { z += bias[f]; }
          y[m * p.f + f] = activate(z);
        }
      }
    }
  }
}
