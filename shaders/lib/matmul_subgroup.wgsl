// The body of the GEMM C = op(A)·op(B) for CPU adapters (lavapipe), where a workgroup
// of 8 invocations is one 8-lane SIMD subgroup and every load an invocation makes from a storage
// buffer costs a scalar loop over the lanes. So each value is loaded by one lane only and handed
// to the others with subgroupShuffle, and every loaded value feeds as many multiply-adds as the
// registers allow: a 4 × ROWS block of A feeds ROWS × 32 outputs per step of 4 along K.
// Needs: subgroups of at least 8 lanes holding the whole workgroup; vec4-aligned rows, i.e. N, and
// K or M (whichever is A's row length), and K when B is transposed, multiples of 4 (src/tuning.ts).
// The including kernel starts with `enable subgroups;`, declares `params` (u32 m, n, k) and its
// outputs from @binding(2) on, and defines fn store_rows(row0: u32, col4: u32, acc: ptr<function,
// array<vec4f, MAX_ROWS>>), which stores the block's rows row0 + i < M, acc[i] holding columns
// 4·col4 .. 4·col4 + 3 (col4 < N/4): matmul_subgroup_forward.wgsl its epilogue, matmul_update.wgsl
// the optimizer's update. Arrays of vec4 along rows.
// Thread → elements: workgroup (X, Y) computes rows ROWS·Y .. ROWS·Y + ROWS - 1 and columns
// 32·X .. 32·X + 31 of C; lane l holds columns 4·(8·X + l) .. +3 of each of those rows.
// Per step of 4 along K, lane l loads:
//   A, not transposed: rows ROWS·Y + 8·j + l, elements k .. k+3 (one vec4 per j < ROWS/8);
//   A, transposed:     row k + l%4 of A [K, M], elements ROWS·Y + 8·j + 4·(l/4) .. +3;
//   B, not transposed: rows k .. k+3 of B [K, N] at its own 4 columns;
//   B, transposed:     its own 4 rows of B [N, K], elements k .. k+3 (transposed in registers).
// Loads are clamped to valid indices (edge lanes read real, unused values); steps past K (only
// possible when A is transposed and B is not) read zeros, so no NaN from outside the product enters.
//!include lib/matmul.wgsl

// Rows of C per workgroup: a multiple of 8 up to MAX_ROWS.
override ROWS: u32 = 32u;
const MAX_ROWS = 32u;

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;

// Row k of B [K, N] at vec4 column col4; zeros past K.
fn b_row(k: u32, col4: u32) -> vec4f {
  return select(vec4f(), b[min(k, params.k - 1u) * (params.n / 4u) + col4], k < params.k);
}

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let m = params.m;
  let k_len = params.k;
  let n4 = params.n / 4u;
  let col4 = wg.x * 8u + lane;
  let col4_load = min(col4, n4 - 1u);
  let row0 = wg.y * ROWS;
  var acc: array<vec4f, MAX_ROWS>;
  for (var k0 = 0u; k0 < k_len; k0 += 4u) {
    var av: array<vec4f, MAX_ROWS / 8u>;
    for (var j = 0u; j < MAX_ROWS / 8u; j++) { // the same rule as the row loop below
      if (8u * j < ROWS) {
        if (TRANSPOSE_A) {
          let k = k0 + lane % 4u;
          let row4 = min(row0 / 4u + 2u * j + lane / 4u, m / 4u - 1u);
          av[j] = select(vec4f(), a[min(k, k_len - 1u) * (m / 4u) + row4], k < k_len);
        } else {
          av[j] = a[min(row0 + 8u * j + lane, m - 1u) * (k_len / 4u) + k0 / 4u];
        }
      }
    }
    // B at steps k0 .. k0+3 and this lane's 4 columns, written out: a loop filling this array keeps
    // NIR from unrolling the row loop below.
    var bv: array<vec4f, 4>;
    if (TRANSPOSE_B) {
      let row = 4u * col4_load * (k_len / 4u) + k0 / 4u;
      let t0 = b[row];
      let t1 = b[row + k_len / 4u];
      let t2 = b[row + 2u * (k_len / 4u)];
      let t3 = b[row + 3u * (k_len / 4u)];
      bv[0] = vec4f(t0.x, t1.x, t2.x, t3.x);
      bv[1] = vec4f(t0.y, t1.y, t2.y, t3.y);
      bv[2] = vec4f(t0.z, t1.z, t2.z, t3.z);
      bv[3] = vec4f(t0.w, t1.w, t2.w, t3.w);
    } else {
      bv[0] = b_row(k0, col4_load);
      bv[1] = b_row(k0 + 1u, col4_load);
      bv[2] = b_row(k0 + 2u, col4_load);
      bv[3] = b_row(k0 + 3u, col4_load);
    }
    // The row loop must unroll fully, making every index a constant and every shuffle a register
    // broadcast. NIR does that for a loop indexing a local array only when the trip count equals the
    // array's length, and not with an inner loop or a branch around the shuffles: hence MAX_ROWS
    // trips with rows past ROWS skipped (constant-folded away).
    for (var i = 0u; i < MAX_ROWS; i++) {
      let v = av[i / 8u];
      let lane_a = i % 8u;
      let vt = v[i % 4u];
      let lane_t = 4u * (i % 8u / 4u);
      // A(row0 + i, k0 .. k0 + 3).
      let s = select(
        vec4f(subgroupShuffle(v.x, lane_a), subgroupShuffle(v.y, lane_a), subgroupShuffle(v.z, lane_a), subgroupShuffle(v.w, lane_a)),
        vec4f(subgroupShuffle(vt, lane_t), subgroupShuffle(vt, lane_t + 1u), subgroupShuffle(vt, lane_t + 2u), subgroupShuffle(vt, lane_t + 3u)),
        TRANSPOSE_A);
      if (i < ROWS) { acc[i] += s.x * bv[0] + s.y * bv[1] + s.z * bv[2] + s.w * bv[3]; }
    }
  }
  if (col4 >= n4) { return; }
  store_rows(row0, col4, &acc);
}
