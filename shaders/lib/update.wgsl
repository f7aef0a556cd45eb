// The skeleton of an optimizer's update kernel, one invocation per vec4 of a parameter (n counts
// vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated too,
// harmlessly, and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats):
//   g = clip(grad[i]);   value[i] = decay(value[i]) - descent(i, g, lr)
// with clipping, decay and the learning rate lr = hyper[0] as lib/optimizer_step.wgsl describes.
// The including kernel declares its slot bindings and `hyper` from @binding(2) on, `params` (with
// n, scaleIndex, clipValue, weightDecay), and fn descent(i: u32, g: vec4f, lr: f32) -> vec4f, the
// rule's step (which also updates its slots).
//!include lib/elementwise.wgsl
//!include lib/optimizer_step.wgsl

@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;

fn per_element(i: u32) {
  let lr = hyper[0];
  let g = clip_gradient(grad[i], hyper[params.scaleIndex], params.clipValue);
  value[i] = decay_weight(value[i], lr, params.weightDecay) - descent(i, g, lr);
}
