// Per-element loss e[i] = L(yPred[i], yTrue[i]) (lib/loss.wgsl); the host sums e with scale 1/n
// (src/ops/reduce.ts), which is Keras's mean over the last axis then over the batch.
//!include lib/loss.wgsl
//!include lib/elementwise.wgsl

struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> yPred: array<f32>;
@group(0) @binding(1) var<storage, read> yTrue: array<f32>;
@group(0) @binding(2) var<storage, read_write> e: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn per_element(i: u32) {
  e[i] = loss(yPred[i], yTrue[i]);
}
