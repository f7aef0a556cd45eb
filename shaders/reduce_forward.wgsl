// Reductions along axes: out[o] = scale · Σ (or max, min) of x over the reduced axes, for each
// combination o of the kept axes. The host (src/ops/axis.ts) splits x's collapsed dimensions into
// kept ones (out's, in order) and reduced ones; a reduction over every axis of a long tensor goes
// through sum_forward.wgsl's tree instead.
// OP (override): 0 sum (double-float accumulation, lib/exact_sum.wgsl: the true sum rounded once),
// 1 max, 2 min (a NaN anywhere gives NaN, as TF.js).
// In params, the kept and reduced shapes and strides hold dimension d at [d / 4][d % 4].
// Thread → element: one output per invocation, o = gid.x + gid.y * (num_workgroups.x * 64); it walks
// its reduced elements with the innermost reduced axis as the inner loop (neighbouring outputs read
// neighbouring elements when the kept axis is innermost, e.g. a column sum).
//!include lib/activation.wgsl

override OP: u32 = 0u;

struct Params {
  out_count: u32, red_count: u32, kept_rank: u32, red_rank: u32, scale: f32, zero: u32,
  kept_shape: array<vec4u, 2>, kept_strides: array<vec4u, 2>, red_shape: array<vec4u, 2>, red_strides: array<vec4u, 2>,
}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

//!include lib/exact_sum.wgsl

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let o = gid.x + gid.y * groups.x * 64u;
  if (o >= params.out_count) { return; }
  var base = 0u;
  var rest = o;
  for (var d = i32(params.kept_rank) - 1; d >= 0; d--) {
    let k = u32(d);
    let size = params.kept_shape[k >> 2u][k & 3u];
    base += (rest % size) * params.kept_strides[k >> 2u][k & 3u];
    rest /= size;
  }
  let last = params.red_rank - 1u;
  let inner = params.red_shape[last >> 2u][last & 3u];
  let step = params.red_strides[last >> 2u][last & 3u];
  var total = vec2f(0.0, 0.0);
  var extreme = x[base];
  for (var r = 0u; r < params.red_count; r += inner) {
    var offset = base;
    var outer = r / inner;
    for (var d = i32(last) - 1; d >= 0; d--) {
      let k = u32(d);
      let size = params.red_shape[k >> 2u][k & 3u];
      offset += (outer % size) * params.red_strides[k >> 2u][k & 3u];
      outer /= size;
    }
    for (var j = 0u; j < inner; j++) {
      let v = x[offset + j * step];
      switch OP {
        case 1u: { extreme = select(max(extreme, v), v + extreme, is_nan(v) || is_nan(extreme)); }
        case 2u: { extreme = select(min(extreme, v), v + extreme, is_nan(v) || is_nan(extreme)); }
        default: { total = add_pair(total, vec2f(v, 0.0)); }
      }
    }
  }
  out[o] = select(params.scale * (total.x + total.y), extreme, OP != 0u);
}
