// Shared by the pooling kernels: their parameter block, the thread mapping and the window arithmetic.
// Window o covers input positions [o*stride - pad, o*stride - pad + pool) along each axis; positions
// outside the input (Keras's 'same' padding) are skipped, never read. Every including kernel
// declares `params: PoolParams` as its uniform block.
struct PoolParams {
  in_h: u32, in_w: u32, channels: u32,
  out_h: u32, out_w: u32,
  pool_h: u32, pool_w: u32,
  stride_h: u32, stride_w: u32,
  pad_top: u32, pad_left: u32,
}

// Channels per thread: 4 where the max-pooling kernels read vec4s (channels % 4 == 0), else 1.
override LANES: u32 = 1u;

// Thread → element: x runs along one NHWC row (w, c), channels fastest so neighbouring lanes touch
// neighbouring addresses; y is the row h, z the batch index n. Locating a thread then costs one
// integer division (by the channel groups of LANES): divisions are scalarised on the CPU adapters
// and dominated the cost of a flat-index decode. Returns (n, h, w, c), c the thread's first channel;
// w ≥ w_len marks a thread past the row's end.
fn element(gid: vec3u) -> vec4u {
  let groups = params.channels / LANES;
  return vec4u(gid.z, gid.y, gid.x / groups, (gid.x % groups) * LANES);
}

// Input positions [first, end) of output o's window, clipped to the input's length.
fn window(o: u32, pool: u32, stride: u32, pad: u32, len: u32) -> vec2u {
  let start = i32(o * stride) - i32(pad);
  return vec2u(u32(max(start, 0)), u32(min(start + i32(pool), i32(len))));
}

// The windows containing input position i along one axis, for the backward kernels: with
// i + pad = q·stride + r, they are o = q - a for a = 0, 1, ... while a·stride + r < pool and o ≥ 0
// (an o past the output's end is skipped). Returns (q, r): one division, where bounding the range
// [first, end) directly took two.
fn split(i: u32, stride: u32, pad: u32) -> vec2u {
  let q = (i + pad) / stride;
  return vec2u(q, i + pad - q * stride);
}

// Flat NHWC index of (n, h, w, c) in a tensor of height h_len and width w_len.
fn flat(n: u32, h: u32, w: u32, c: u32, h_len: u32, w_len: u32) -> u32 {
  return ((n * h_len + h) * w_len + w) * params.channels + c;
}
