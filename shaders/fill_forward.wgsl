// y[i] = value for i < n (zeroing gradient accumulators and optimizer slots).
//!include lib/elementwise.wgsl

struct Params { n: u32, value: f32 }
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

fn per_element(i: u32) {
  y[i] = params.value;
}
