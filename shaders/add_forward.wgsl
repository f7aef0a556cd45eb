// y[i] = a[i] + b[i] (summing gradients where a tensor feeds several layers); y may not alias a or b.
//!include lib/elementwise.wgsl

struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn per_element(i: u32) {
  y[i] = a[i] + b[i];
}
