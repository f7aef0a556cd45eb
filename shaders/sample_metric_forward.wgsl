// Per-sample scores: out[offset + r] = the mean over sample r's elements of lib/loss.wgsl's
// loss(p, y) (LOSS 0 squared error, 1 absolute error, 2 binary crossentropy, 3 binary accuracy);
// with PSNR (LOSS 0), 10·log10(maxVal² / that mean squared error), tf.image.psnr's value (+inf
// for identical samples); with SSIM, tf.image.ssim of [height, width, channels] images
// (lib/ssim.wgsl). Used for evaluate({ reduction: 'none' }) and the metrics that are means of
// per-sample values (binaryAccuracy, psnr, ssim).
// Bindings: 0 a = yPred (read), 1 b = yTrue (read), 2 out (read-write), 3 params { rowLength, rows, offset,
// maxVal, height, width, channels (ssim only), zero = 0 (lib/exact_sum.wgsl) }.
// Thread → element: one 64-thread workgroup per sample r = wg.x + wg.y * num_workgroups.x; thread t
// takes elements t, t+64, … of the row (coalesced), summed by lib/workgroup_sum.wgsl.
//!include lib/loss.wgsl
//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl
//!include lib/ssim.wgsl

override PSNR: bool = false;
override SSIM: bool = false;

struct Params { rowLength: u32, rows: u32, offset: u32, maxVal: f32, height: u32, width: u32, channels: u32, zero: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = wg.x + wg.y * groups.x;
  if (r >= params.rows) { return; }
  let start = r * params.rowLength;
  var acc = 0.0;
  var count = params.rowLength;
  if (SSIM) {
    acc = ssim_sum(t, start, params.height, params.width, params.channels, params.maxVal);
    count = ssim_count(params.height, params.width, params.channels);
  } else {
    for (var i = t; i < params.rowLength; i += 64u) {
      acc += loss(a[start + i], b[start + i]);
    }
  }
  let pair = workgroup_sum(t, vec2f(acc, 0.0));
  let total = pair.x + pair.y;
  if (t == 0u) {
    let m = total / f32(count);
    out[params.offset + r] = select(m, 10.0 * log2(params.maxVal * params.maxVal / m) / log2(10.0), PSNR);
  }
}
