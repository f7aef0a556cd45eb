// Shared by the batch-normalization kernels. x is viewed as [outer, C, inner]: C the normalized
// axis, outer the axes before it, inner those after (inner = 1 for the usual channels-last axis).
// Every including kernel declares `params` with u32 fields channels and inner.

// Flat index of element j (of outer·inner) of channel c. Channels-last needs no division.
fn channel_element(j: u32, c: u32) -> u32 {
  if (params.inner == 1u) { return j * params.channels + c; }
  let o = j / params.inner;
  return (o * params.channels + c) * params.inner + (j - o * params.inner);
}

// The channel of flat element i.
fn channel_of(i: u32) -> u32 {
  if (params.inner == 1u) { return i % params.channels; }
  return (i / params.inner) % params.channels;
}
