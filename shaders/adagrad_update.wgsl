// Adagrad step, as TF.js's tf.train.adagrad (and Keras):
//   acc += g²        value += (-lr) · g / sqrt(acc + ε)
// acc starts at initialAccumulatorValue (filled when the slot is created).
// Bindings: 0 value (read-write), 1 grad (read), 2 acc (read-write), 3 params { n, negLr, epsilon }.
// Thread → element: one element per invocation, i = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { n: u32, negLr: f32, epsilon: f32 }
@group(0) @binding(0) var<storage, read_write> value: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> acc: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.n) { return; }
  let g = grad[i];
  let a = acc[i] + g * g;
  acc[i] = a;
  value[i] += g / sqrt(a + params.epsilon) * params.negLr;
}
