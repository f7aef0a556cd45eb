// Shared by the matmul kernels: how the operands are laid out and what the epilogue does.
// C [M, N] = op(A) · op(B), where op(A) is A [M, K] or, with TRANSPOSE_A, A [K, M] read transposed,
// and op(B) is B [K, N] or, with TRANSPOSE_B, B [N, K]. All row-major. The including kernel declares
// `params` with u32 fields m, n, k.
//!include lib/activation.wgsl

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override HAS_BIAS: bool = false;
// C += A·B (gradient sums): no bias and no activation then.
override ACCUMULATE: bool = false;

// The value stored for one element: old is C's current value (read only when ACCUMULATE).
fn epilogue(acc: f32, bias: f32, old: f32) -> f32 {
  if (ACCUMULATE) { return old + acc; }
  return activate(select(acc, acc + bias, HAS_BIAS));
}
