// Shared by the optimizer update kernels: what Keras's optimizer does to a gradient and a weight
// before the rule's own update (keras.optimizers.Optimizer.apply: clip, then decay, then update).
// Every update kernel binds `hyper` (read): hyper[0] is this step's learning rate, written from the
// host per step (a schedule) without touching the uniform block, so nothing is recompiled or
// re-created per step; hyper[1 + k] is parameter k's clip-by-norm scale, written on the GPU by
// clip_scale_forward.wgsl. Its uniform block ends with { scaleIndex, clipValue, weightDecay }.
// CLIP_NORM: g ← g·hyper[scaleIndex] (clipNorm per weight or globalClipNorm: c / max(‖g‖, c)).
// CLIP_VALUE: g ← clamp(g, -clipValue, clipValue), a NaN kept NaN (clamp may return a bound).
// DECAY: w ← w - w·weightDecay·lr (decoupled weight decay, Loshchilov & Hutter; Keras's weight_decay).
override CLIP_NORM: bool = false;
override CLIP_VALUE: bool = false;
override DECAY: bool = false;

fn clip_gradient(g: vec4f, scale: f32, limit: f32) -> vec4f {
  var c = g;
  if (CLIP_NORM) { c = c * scale; }
  // A NaN test on the bits: compilers may fold c != c to false.
  if (CLIP_VALUE) { c = select(clamp(c, vec4f(-limit), vec4f(limit)), c, (bitcast<vec4u>(c) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u)); }
  return c;
}

fn decay_weight(w: vec4f, lr: f32, weightDecay: f32) -> vec4f {
  if (DECAY) { return w - w * weightDecay * lr; }
  return w;
}
