// PReLU with a learned slope per element of a sample (Keras's default, no shared axes).
import { defineKernel, grid1d } from '../runner.js';
import { prelu_backward } from '../generated/prelu_backward.js';
import { prelu_forward, type PreluForwardUniforms } from '../generated/prelu_forward.js';
import { empty, formatShape, type Tensor } from '../tensor.js';
import { biasGrad } from './matmul.js';

const forwardKernel = /* @__PURE__ */ defineKernel({ shader: prelu_forward, workgroups: (p: PreluForwardUniforms) => grid1d(p.n, 64), uniforms: (p) => p });
const backwardKernel = /* @__PURE__ */ defineKernel({ shader: prelu_backward, workgroups: (p: PreluForwardUniforms) => grid1d(p.n, 64), uniforms: (p) => p });

function check(op: string, x: Tensor, alpha: Tensor): number {
  if (x.size % alpha.size !== 0 || x.shape[0] * alpha.size !== x.size) throw new Error(`${op}: alpha ${formatShape(alpha.shape)} must have the shape of one sample of x ${formatShape(x.shape)}`);
  return alpha.size;
}

/** y = x where x > 0, alpha·x elsewhere (alpha per element of a sample). */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  const features = check('prelu', x, alpha);
  const y = empty(x.shape);
  forwardKernel.run([x.buffer, alpha.buffer, y.buffer], { n: x.size, features });
  return y;
}

/** dx, and dalpha = Σ_batch dy·x where x ≤ 0, flat ([features]: alpha's values in order). */
export function preluBackward(x: Tensor, alpha: Tensor, dy: Tensor): { dx: Tensor; dalpha: Tensor } {
  const features = check('preluBackward', x, alpha);
  const dx = empty(x.shape);
  const terms = empty([x.shape[0], features]);
  backwardKernel.run([x.buffer, alpha.buffer, dy.buffer, dx.buffer, terms.buffer], { n: x.size, features });
  const dalpha = biasGrad(terms);
  terms.dispose();
  return { dx, dalpha };
}
