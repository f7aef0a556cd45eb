// Compile-time checks of the generated kernel interfaces: `npx tsc -p tsconfig.json --noEmit` must
// report every line marked @ts-expect-error as an error (an unused @ts-expect-error is itself one).
// Never run: defineKernel would register the kernels.
import { defineKernel } from '../../src/runner.js';
import { loss_forward } from '../../src/generated/loss_forward.js';
import { fill_forward } from '../../src/generated/fill_forward.js';

export function checks(buffer: GPUBuffer): void {
  const ok = defineKernel({ shader: loss_forward, workgroups: (p: { n: number }) => [p.n], uniforms: (p) => ({ n: p.n, perGroup: 1, zero: 0, scale: 1 }) });
  ok.run([buffer, buffer, buffer, buffer, buffer, buffer, buffer], { n: 1 });
  // @ts-expect-error: one buffer short of the shader's seven storage bindings
  ok.run([buffer, buffer, buffer, buffer, buffer, buffer], { n: 1 });
  // @ts-expect-error: 'scale' is missing
  defineKernel({ shader: loss_forward, workgroups: (p: { n: number }) => [p.n], uniforms: (p) => ({ n: p.n, perGroup: 1, zero: 0 }) });
  // @ts-expect-error: 'extra' is not a field of the shader's Params
  defineKernel({ shader: loss_forward, workgroups: (p: { n: number }) => [p.n], uniforms: (p) => ({ n: p.n, perGroup: 1, zero: 0, scale: 1, extra: 2 }) });
  const spread = { n: 1, perGroup: 1, zero: 0, scale: 2, lr: 3 };
  // @ts-expect-error: an extra field through a spread is caught too
  defineKernel({ shader: loss_forward, workgroups: (p: { n: number }) => [p.n], uniforms: () => ({ ...spread }) });
  // @ts-expect-error: a shader with a uniform block needs uniforms()
  defineKernel({ shader: fill_forward, workgroups: (p: { n: number }) => [p.n] });
}
