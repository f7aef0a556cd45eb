// Bindings and element access shared by up_sampling2d_forward.wgsl and up_sampling2d_backward.wgsl:
// each reads x and writes y (the backward kernel: dy and dx), params.channels counting elements
// along the channel axis. VEC4 (channels a multiple of 4): an element is a vec4 of four channels,
// params.channels is channels / 4, and x4 and y4 are x and y again as vec4s, so a thread makes one
// load or store where it made four (each a loop over the SIMD lanes on llvmpipe); the arithmetic is
// the same, componentwise. The unused one of y and y4 is bound to a scratch buffer (two writable
// bindings of one buffer may not alias).
override BILINEAR: bool = false;
override VEC4: bool = false;

struct Params { in_h: u32, in_w: u32, channels: u32, size_h: u32, size_w: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> x4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> y4: array<vec4f>;

// Element i of x (a scalar in all four components without VEC4).
fn load(i: u32) -> vec4f {
  if (VEC4) { return x4[i]; }
  return vec4f(x[i]);
}

fn store(i: u32, v: vec4f) {
  if (VEC4) {
    y4[i] = v;
  } else {
    y[i] = v.x;
  }
}
