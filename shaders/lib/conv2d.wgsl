// The geometry shared by the convolution kernels, in the terms of a forward convolution
// x [N,H,W,C] * kernel [KH,KW,C,F] → y [N,OH,OW,F]: output pixel (oh, ow) reads input pixel
// (oh·SH − PH + kh·DH, ow·SW − PW + kw·DW), zero outside the input. Dilation DH, DW > 1 comes only with
// strides 1 (src/ops/conv2d.ts checks), which the input gradients' stride phases rely on. A transposed convolution is run as the
// gradient of the convolution it inverts, so its own input and output swap places here.
struct Conv {
  n: i32, h: i32, w: i32, c: i32,
  oh: i32, ow: i32, f: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
  // Kernel-specific: thread groups along the rows of the implicit GEMM, and (filter gradient) output pixels per split.
  groups: i32, chunk: i32,
}

// Whether the taps are dilated. src/ops/conv2d.ts compiles the subgroup kernels with false for the
// undilated convolutions (nearly all), where the multiplies by DH and DW then compile away; the default
// reads them from the uniforms, which is right for any convolution.
override DILATED: bool = true;

fn dilation_h() -> i32 { return select(1, p.dh, DILATED); }
fn dilation_w() -> i32 { return select(1, p.dw, DILATED); }

// Output pixel m (row-major over n·oh·ow) as (batch, top input row, left input column) of its
// window. Every includer binds its geometry as `p`.
fn window_origin(m: i32) -> vec3i {
  let t = m / p.ow;
  return vec3i(t / p.oh, (t % p.oh) * p.sh - p.ph, (m % p.ow) * p.sw - p.pw);
}

// Row group g of the filter gradient, 4 channels of one tap, as (first channel c0, tap, kh, kw).
fn filter_rows(g: i32) -> vec4i {
  let groups = (p.c + 3) / 4;
  let tap = g / groups;
  return vec4i((g % groups) * 4, tap, tap / p.kw, tap % p.kw);
}

// Output pixel m as counters (ow, oh, n), for kernels that walk the pixels in order (next_pixel).
fn pixel_counters(m: i32) -> vec3i {
  return vec3i(m % p.ow, (m / p.ow) % p.oh, m / (p.ow * p.oh));
}

// Steps the counters (ow, oh, n) to the next output pixel.
fn next_pixel(q: ptr<function, vec3i>) {
  (*q).x++;
  if ((*q).x == p.ow) {
    (*q).x = 0;
    (*q).y++;
    if ((*q).y == p.oh) {
      (*q).y = 0;
      (*q).z++;
    }
  }
}
