// The gradient of a compiled loss with respect to yPred: grad[i] = scale · d program(yTrue[i],
// yPred[i]) / d yPred[i] (the dual part of lib/loss_program.wgsl's result), where scale carries the
// reduction's 1/n, the constant factors after it and the output's loss weight.
// Bindings: yTrue, yPred (read), grad (write), params.
// Thread → element: one element per invocation, i = gid.x + gid.y · (num_workgroups.x · 64).
struct Params { n: u32, scale: f32, zero: u32, consts: array<vec4f, 8> }
@group(0) @binding(0) var<storage, read> yTrue: array<f32>;
@group(0) @binding(1) var<storage, read> yPred: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

//!include lib/loss_program.wgsl

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  grad[i] = params.scale * run_program(yTrue[i], yPred[i]).y;
}
