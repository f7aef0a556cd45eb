// Transpose of an N-d tensor (Keras's Permute, and its gradient with the inverse permutation):
// y[i] = x[Σ_d index_d(i) · in_strides[d]], where index_d(i) is i's coordinate along y's axis d and
// in_strides[d] the stride in x of the axis that y's axis d takes. The host (src/ops/permute.ts)
// merges axes that stay neighbours, so rank is what the permutation really moves (at most 8).
// In params, dimension d of out_shape and in_strides is at [d / 4][d % 4].
// Thread → element: one output element per invocation (lib/elementwise.wgsl's 1-D grid): writes
// are consecutive; reads stride along whichever x axis became y's innermost.
//!include lib/elementwise.wgsl

struct Params { n: u32, rank: u32, out_shape: array<vec4u, 2>, in_strides: array<vec4u, 2> }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn per_element(i: u32) {
  var rest = i;
  var src = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let k = u32(d);
    let size = params.out_shape[k >> 2u][k & 3u];
    src += (rest % size) * params.in_strides[k >> 2u][k & 3u];
    rest /= size;
  }
  y[i] = x[src];
}
