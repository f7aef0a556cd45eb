// The 64 threads' double-float pairs of a workgroup combined in workgroup memory (a tree of
// add_pair, lib/exact_sum.wgsl, which needs the including kernel's `params.zero`, always 0); every
// thread gets the total. Called in uniform control flow. A plain f32 sum passes vec2f(acc, 0.0)
// and reads .x: the total, rounded once.
//!include lib/exact_sum.wgsl
var<workgroup> partial: array<vec2f, 64>;

fn workgroup_sum(t: u32, acc: vec2f) -> vec2f {
  partial[t] = acc;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride >>= 1u) {
    if (t < stride) { partial[t] = add_pair(partial[t], partial[t + stride]); }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&partial[0]);
}
