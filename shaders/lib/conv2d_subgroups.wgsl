// Register tiles for adapters that run a subgroup of 8 lanes or more as SIMD lanes of one CPU thread
// (lavapipe on AVX2; src/tuning.ts decides), where every load whose address differs between lanes costs one scalar load per lane, and so does a
// load of a shared address inside a loop. Each lane holds TM rows × TN = BW·NB columns of the GEMM:
// its own rows come from lane-varying loads, and the columns' values, needed by every lane, are
// loaded once per subgroup, spread over BW lanes (one each, or a vec4 each), and handed to all lanes
// with subgroupBroadcast, which costs a register move. The inner dimension goes 4 at a time, summed
// before it is added to an accumulator (a loop-carried update is the expensive part of an FMA here).
// lavapipe's NIR unrolls a loop over a local array (making its elements registers) only when the
// trip count equals the array's length: the row loops run TM times over arrays of TM, and column
// loops reach MAX_TN trips when TN = 16 (src/ops/conv2d.ts picks that wherever there are more than 8 columns).
// Rows per lane: 8 spills registers, and 4 with arrays of 8 (no unrolling) ran the row loops 1.5–2×
// slower. src/ops/conv2d.ts's SUBGROUP_TM is the same number.
const TM = 4u;
// Lanes that share one broadcast: 8, or 4 for tiles of 4 columns.
override BW: u32 = 8u;
override NB: u32 = 1u;
override WG: u32 = 8u;
const MAX_TN = 16u;
// NB at most: 16 columns over 8 lanes.
const MAX_NB = 2u;

/** Lane l's value w, for l < BW, in every lane. */
fn bcast(w: f32) -> array<f32, 8> {
  var b: array<f32, 8>;
  b[0] = subgroupBroadcast(w, 0u);
  b[1] = subgroupBroadcast(w, 1u);
  b[2] = subgroupBroadcast(w, 2u);
  b[3] = subgroupBroadcast(w, 3u);
  if (BW == 8u) {
    b[4] = subgroupBroadcast(w, 4u);
    b[5] = subgroupBroadcast(w, 5u);
    b[6] = subgroupBroadcast(w, 6u);
    b[7] = subgroupBroadcast(w, 7u);
  }
  return b;
}

fn bcast4(w: vec4f) -> array<vec4f, 8> {
  var b: array<vec4f, 8>;
  b[0] = subgroupBroadcast(w, 0u);
  b[1] = subgroupBroadcast(w, 1u);
  b[2] = subgroupBroadcast(w, 2u);
  b[3] = subgroupBroadcast(w, 3u);
  if (BW == 8u) {
    b[4] = subgroupBroadcast(w, 4u);
    b[5] = subgroupBroadcast(w, 5u);
    b[6] = subgroupBroadcast(w, 6u);
    b[7] = subgroupBroadcast(w, 7u);
  }
  return b;
}
