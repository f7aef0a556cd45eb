// The geometry shared by the convolution kernels, in the terms of a forward convolution
// x [N,H,W,C] * kernel [KH,KW,C,F] → y [N,OH,OW,F]: output pixel (oh, ow) reads input pixel
// (oh·SH − PH + kh, ow·SW − PW + kw), zero outside the input. A transposed convolution is run as the
// gradient of the convolution it inverts, so its own input and output swap places here.
struct Conv {
  n: i32, h: i32, w: i32, c: i32,
  oh: i32, ow: i32, f: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  // Kernel-specific: thread groups along the rows of the implicit GEMM, and (filter gradient) output pixels per split.
  groups: i32, chunk: i32,
}

// Output pixel m (row-major over n·oh·ow) as (batch, top input row, left input column) of its
// window. Every includer binds its geometry as `p`.
fn window_origin(m: i32) -> vec3i {
  let t = m / p.ow;
  return vec3i(t / p.oh, (t % p.oh) * p.sh - p.ph, (m % p.ow) * p.sw - p.pw);
}
