// Softmax's input gradient over the last axis, from its output y: dx = y · (dy - Σ dy·y) per row.
// Thread → element: one row per invocation, two passes over it;
// r = gid.x + gid.y * (num_workgroups.x * 64).
struct Params { rows: u32, len: u32 }
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = gid.x + gid.y * groups.x * 64u;
  if (r >= params.rows) { return; }
  let base = r * params.len;
  var dot = 0.0;
  for (var k = 0u; k < params.len; k++) { dot += dy[base + k] * y[base + k]; }
  for (var k = 0u; k < params.len; k++) { dx[base + k] = y[base + k] * (dy[base + k] - dot); }
}
