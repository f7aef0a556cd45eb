// Zero padding and cropping of NHWC images as one shifted-window copy (shaders/pad2d_forward.wgsl):
// padding by (top, bottom, left, right) is a copy with offsets (top, left) into a larger output,
// cropping the same with negative amounts; the backward of each is the other.
import { defineKernel, grid1d } from '../runner.js';
import { pad2d_forward, type Pad2dForwardUniforms } from '../generated/pad2d_forward.js';
import { empty, formatShape, type Tensor } from '../tensor.js';
import { checkNHWC } from './shapes.js';

/** Rows then columns added before and after: [[top, bottom], [left, right]]; negative amounts remove. */
export type Pad2D = [[number, number], [number, number]];

const padKernel = /* @__PURE__ */ defineKernel({
  shader: pad2d_forward,
  workgroups: (p: Pad2dForwardUniforms) => grid1d(p.n, 64),
  uniforms: (p) => p,
});

/** x [N, H, W, C] → [N, H + top + bottom, W + left + right, C]; zeros where the output lies outside x. */
export function pad2d(x: Tensor, [[top, bottom], [left, right]]: Pad2D): Tensor {
  checkNHWC(x.shape, 'pad2d');
  const [n, h, w, c] = x.shape;
  const outH = h + top + bottom;
  const outW = w + left + right;
  if (outH <= 0 || outW <= 0) throw new Error(`pad2d: removing ${-(top + bottom)} rows and ${-(left + right)} columns from ${formatShape(x.shape)} leaves nothing`);
  const y = empty([n, outH, outW, c]);
  padKernel.run([x.buffer, y.buffer], { n: y.size, in_h: h, in_w: w, channels: c, out_h: outH, out_w: outW, top, left });
  return y;
}

/** The gradient of pad2d: dy cropped back to x's extent. */
export function pad2dBackward(dy: Tensor, [[top, bottom], [left, right]]: Pad2D): Tensor {
  return pad2d(dy, [[-top, -bottom], [-left, -right]]);
}
