// C = op(A)·op(B) (+ bias, activation; or C += ...) for GPUs: the classic workgroup-memory tiling.
// A workgroup of 16×16 invocations computes a 64×64 block of C, 4×4 elements per invocation; along K
// it steps 16 at a time, the 256 invocations first copying the 64×16 block of A and the 16×64 block
// of B into workgroup memory (consecutive invocations read consecutive addresses in either layout),
// then each reading its 4 rows and 4 columns from there for every step. Any shapes: the copies
// fill positions outside the matrices with zeros, and only elements inside C are stored.
// Shapes: c [M, N], bias [N] (any buffer when !HAS_BIAS).
// Thread → elements: invocation (x, y) of workgroup (X, Y) computes rows 64·Y + 4·y + i and
// columns 64·X + 4·x + j of C, i, j < 4.
//!include lib/matmul.wgsl

const TILE = 64u;
const TILE_K = 16u;

struct Params { m: u32, n: u32, k: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// [k][row / 4] and [k][column / 4]: an invocation's 4 rows (columns) are one vec4.
var<workgroup> tile_a: array<array<vec4f, 16>, TILE_K>;
var<workgroup> tile_b: array<array<vec4f, 16>, TILE_K>;

fn load_a(row: u32, k: u32) -> f32 {
  if (row >= params.m || k >= params.k) { return 0.0; }
  return a[select(row * params.k + k, k * params.m + row, TRANSPOSE_A)];
}

fn load_b(k: u32, col: u32) -> f32 {
  if (k >= params.k || col >= params.n) { return 0.0; }
  return b[select(k * params.n + col, col * params.k + k, TRANSPOSE_B)];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < params.k; k0 += TILE_K) {
    // 1024 elements of each block, 4 per invocation, walking the operand's contiguous dimension.
    for (var s = 0u; s < 4u; s++) {
      let e = t + 256u * s;
      let ra = select(e / TILE_K, e % TILE, TRANSPOSE_A);
      let ka = select(e % TILE_K, e / TILE, TRANSPOSE_A);
      tile_a[ka][ra / 4u][ra % 4u] = load_a(row0 + ra, k0 + ka);
      let kb = select(e / TILE, e % TILE_K, TRANSPOSE_B);
      let cb = select(e % TILE, e / TILE_K, TRANSPOSE_B);
      tile_b[kb][cb / 4u][cb % 4u] = load_b(k0 + kb, col0 + cb);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let av = tile_a[kk][lid.y];
      let bv = tile_b[kk][lid.x];
      for (var i = 0u; i < 4u; i++) { acc[i] += av[i] * bv; }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + 4u * lid.y + i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + 4u * lid.x + j;
      if (row < params.m && col < params.n) {
        let idx = row * params.n + col;
        var bias_value = 0.0;
        var old = 0.0;
        if (HAS_BIAS) { bias_value = bias[col]; }
        if (ACCUMULATE) { old = c[idx]; }
        c[idx] = epilogue(acc[i][j], bias_value, old);
      }
    }
  }
}
