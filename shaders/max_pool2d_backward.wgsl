// Max pooling's input gradient as a gather (WGSL has no float atomics to scatter with):
// dx[n, h, w, c] = Σ dy over the windows that contain (h, w) and whose argmax is this element.
// argmax comes from max_pool2d_forward; dy4 and argmax4 are dy and argmax again as vec4s, read only
// when LANES is 4, and dx4 is where the gradient goes then (one vec4 store, not four scalar ones:
// each store is a loop over the lanes on llvmpipe); the unused one of dx and dx4 is bound to a
// scratch buffer (two writable bindings of one buffer may not alias).
// FOLD_ACT: dx is also multiplied by act'(x) (lib/activation.wgsl's ACT, from x = the pooled input,
// the previous layer's activated output) — what that layer's backward would do next in a pass of
// its own (src/execution.ts foldInputActivations), in the same order. x4 is x again as vec4s.
// Thread → elements: LANES consecutive channels of one input pixel, as lib/pool.wgsl's element()
// maps it; with LANES 4, vec4 reads, as in max_pool2d_forward.wgsl.
//!include lib/pool.wgsl
//!include lib/activation.wgsl

override FOLD_ACT: bool = false;

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<i32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: PoolParams;
@group(0) @binding(4) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(5) var<storage, read> argmax4: array<vec4i>;
@group(0) @binding(6) var<storage, read_write> dx4: array<vec4f>;
@group(0) @binding(7) var<storage, read> x: array<f32>;
@group(0) @binding(8) var<storage, read> x4: array<vec4f>;

fn slope4(v: vec4f) -> vec4f {
  return vec4f(activate_grad(v.x), activate_grad(v.y), activate_grad(v.z), activate_grad(v.w));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = element(gid);
  if (e.z >= params.in_w) { return; }
  let i = flat(e.x, e.y, e.z, e.w, params.in_h, params.in_w);
  let hs = split(e.y, params.stride_h, params.pad_top);
  let ws = split(e.z, params.stride_w, params.pad_left);
  var acc = vec4f();
  for (var a = 0u; a <= hs.x && a * params.stride_h + hs.y < params.pool_h; a++) {
    let oh = hs.x - a;
    if (oh >= params.out_h) { continue; }
    for (var b = 0u; b <= ws.x && b * params.stride_w + ws.y < params.pool_w; b++) {
      let ow = ws.x - b;
      if (ow >= params.out_w) { continue; }
      let j = flat(e.x, oh, ow, e.w, params.out_h, params.out_w);
      var g: vec4f;
      var chosen: vec4i;
      if (LANES == 4u) {
        g = dy4[j / 4u];
        chosen = argmax4[j / 4u];
      } else {
        g = vec4f(dy[j]);
        chosen = vec4i(argmax[j]);
      }
      // select, not an if around the load: ~3x faster on llvmpipe, and a NaN in dy of a window
      // whose argmax is another element cannot leak in.
      acc += select(vec4f(), g, chosen == i32(i) + vec4i(0, 1, 2, 3));
    }
  }
  if (LANES == 4u) {
    if (FOLD_ACT) { acc = acc * slope4(x4[i / 4u]); }
    dx4[i / 4u] = acc;
  } else {
    if (FOLD_ACT) { acc.x = acc.x * activate_grad(x[i]); }
    dx[i] = acc.x;
  }
}
