// The sum of one f32 per thread over a 64-thread workgroup, as a workgroup-memory tree.
// Every thread of the workgroup must call it (it contains barriers); all of them get the sum.
var<workgroup> workgroup_sums: array<f32, 64>;

fn workgroup_sum(t: u32, v: f32) -> f32 {
  workgroup_sums[t] = v;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride >>= 1u) {
    if (t < stride) { workgroup_sums[t] += workgroup_sums[t + stride]; }
    workgroupBarrier();
  }
  return workgroup_sums[0];
}
