// main() of the kernels that sum n values slice by slice (sum_forward.wgsl's passes, and
// loss_program_forward.wgsl, whose summand is computed rather than read): workgroup g owns elements
// [g·perGroup, (g+1)·perGroup); thread t takes every 64th of them (coalesced); the 64 threads'
// double-float pairs meet in lib/workgroup_sum.wgsl (exact: lib/exact_sum.wgsl) and thread 0 hands
// the workgroup's total to the kernel.
// The including kernel declares `params` with u32 fields n, perGroup and zero (always 0), and defines
// fn summand(i: u32) -> vec2f (element i as a (hi, lo) pair) and fn store_total(g: u32, total: vec2f).
//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = wg.x + wg.y * groups.x;
  let start = g * params.perGroup;
  let end = min(start + params.perGroup, params.n);
  var acc = vec2f(0.0, 0.0);
  for (var i = start + t; i < end; i += 64u) {
    acc = add_pair(acc, summand(i));
  }
  let total = workgroup_sum(t, acc);
  if (t == 0u) { store_total(g, total); }
}
