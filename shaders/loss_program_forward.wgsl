// The sum over elements of a compiled loss program's value (lib/loss_program.wgsl), as one
// double-float partial (hi, lo) per workgroup; src/ops/reduce.ts then sums the partials (scaled)
// into the loss slot. Like sum_forward.wgsl's first pass, but the summand is computed, not read.
// Bindings: yTrue, yPred (read, n values each), partials (write, one pair per workgroup), params.
// Thread → elements: workgroup g owns [g·perGroup, (g+1)·perGroup); thread t takes every 64th.
struct Params { n: u32, perGroup: u32, zero: u32, consts: array<vec4f, 8> }
@group(0) @binding(0) var<storage, read> yTrue: array<f32>;
@group(0) @binding(1) var<storage, read> yPred: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

//!include lib/loss_program.wgsl
//!include lib/exact_sum.wgsl
//!include lib/workgroup_sum.wgsl

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = wg.x + wg.y * groups.x;
  let start = g * params.perGroup;
  let end = min(start + params.perGroup, params.n);
  var acc = vec2f(0.0, 0.0);
  for (var i = start + t; i < end; i += 64u) {
    acc = add_pair(acc, vec2f(run_program(yTrue[i], yPred[i]).x, 0.0));
  }
  let total = workgroup_sum(t, acc);
  if (t == 0u) {
    partials[2u * g] = total.x;
    partials[2u * g + 1u] = total.y;
  }
}
