// Per-element L1/L2 penalty e[i] = l1·|x[i]| + l2·x[i]² (lib/l1l2.wgsl); the host sums e with the
// caller's scale.
//!include lib/l1l2.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32, l1: f32, l2: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> e: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn per_element(i: u32) {
  e[i] = penalty(x[i]);
}
