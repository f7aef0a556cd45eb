// Plain SGD step, as TF.js's tf.train.sgd: value[i] += (-lr)·grad[i].
// Bindings: 0 value (read-write), 1 grad (read), 2 params { n, negLr = -lr }.
// Thread → element: one vec4 (four elements) per invocation, i = gid.x + gid.y * (num_workgroups.x * 64);
// n counts vec4s: tensor buffers are whole 16-byte multiples, so the last vec4's padding is updated
// too (harmlessly) and each lane moves 16 contiguous bytes, which llvmpipe loads far faster than floats.
struct Params { n: u32, negLr: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<vec4f>;
@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  value[i] += params.negLr * grad[i];
}
