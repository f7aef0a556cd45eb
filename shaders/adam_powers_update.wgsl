// Advances Adam's bias-correction powers by one step: powers = (β1^t, β2^t) → (β1^(t+1), β2^(t+1)).
// Repeated float32 products, exactly as TF.js accumulates accBeta1 / accBeta2.
// Thread → element: a single invocation.
struct Params { beta1: f32, beta2: f32 }
@group(0) @binding(0) var<storage, read_write> powers: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(1)
fn main() {
  powers[0] *= params.beta1;
  powers[1] *= params.beta2;
}
