// Structural similarity, as tf.image.ssim (Wang et al. 2004): an 11×11 Gaussian window (σ = 1.5)
// at every VALID position, k1 = 0.01, k2 = 0.03, c1 = (k1·maxVal)², c2 = (k2·maxVal)²; per position
// and channel, with window means μ, variances σ² and covariance σxy:
//   luminance = (2 μx μy + c1) / (μx² + μy² + c1)
//   cs        = (2 σxy + c2) / (σx² + σy² + c2)
// An image's SSIM is the mean of luminance · cs over positions and channels. ssim_sum gives one
// thread's share of that sum (positions·channels t, t+64, …) for the NHWC image starting at
// `image` in a and b, which the including kernel declares.
const SSIM_SIZE: u32 = 11u;
const SSIM_SIGMA: f32 = 1.5;

fn ssim_count(height: u32, width: u32, channels: u32) -> u32 {
  return (height - SSIM_SIZE + 1u) * (width - SSIM_SIZE + 1u) * channels;
}

fn ssim_sum(t: u32, image: u32, height: u32, width: u32, C: u32, maxVal: f32) -> f32 {
  // The normalised 1-D Gaussian; the 2-D window is its outer product.
  var g: array<f32, SSIM_SIZE>;
  var gsum = 0.0;
  for (var i = 0u; i < SSIM_SIZE; i++) {
    let d = f32(i) - f32(SSIM_SIZE - 1u) * 0.5;
    g[i] = exp(-0.5 * d * d / (SSIM_SIGMA * SSIM_SIGMA));
    gsum += g[i];
  }
  let outW = width - SSIM_SIZE + 1u;
  let outH = height - SSIM_SIZE + 1u;
  let count = outH * outW * C;
  let c1 = (0.01 * maxVal) * (0.01 * maxVal);
  let c2 = (0.03 * maxVal) * (0.03 * maxVal);
  var acc = 0.0;
  for (var p = t; p < count; p += 64u) {
    let c = p % C;
    let ox = (p / C) % outW;
    let oy = p / (C * outW);
    var mx = 0.0;
    var my = 0.0;
    var mxx = 0.0;
    var myy = 0.0;
    var mxy = 0.0;
    for (var ky = 0u; ky < SSIM_SIZE; ky++) {
      let row = image + ((oy + ky) * width + ox) * C + c;
      for (var kx = 0u; kx < SSIM_SIZE; kx++) {
        let w = g[ky] * g[kx] / (gsum * gsum);
        let x = a[row + kx * C];
        let y = b[row + kx * C];
        mx += w * x;
        my += w * y;
        mxx += w * x * x;
        myy += w * y * y;
        mxy += w * x * y;
      }
    }
    let luminance = (2.0 * mx * my + c1) / (mx * mx + my * my + c1);
    let cs = (2.0 * (mxy - mx * my) + c2) / ((mxx - mx * mx) + (myy - my * my) + c2);
    acc += luminance * cs;
  }
  return acc;
}
