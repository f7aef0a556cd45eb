// main() of the kernels with one invocation per element (or per vec4) of a 1-D grid: the grid is
// folded into 2-D past 65535 workgroups (src/runner.ts grid1d), so the flat index is
// i = gid.x + gid.y · (num_workgroups.x · 64), and invocations past params.n do nothing.
// The including kernel declares `params` with a u32 field n and defines fn per_element(i: u32).
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i < params.n) { per_element(i); }
}
