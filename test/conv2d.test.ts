// Conv2D and Conv2DTranspose, forward and both gradients, against the float64 reference at ragged shapes,
// with even kernels under 'same', strides up to 3, 1×1 inputs and the filter gradient's split path.
// Every case runs on both kernel families (the subgroup ones of CPU adapters, the portable ones);
// channel and filter counts are picked to reach each subgroup tile (4, 8, 16 columns, two tiles) with
// and without the vec4 reads (counts that are multiples of 4 or not).
// One activation suffices for the fused epilogue (each is a pipeline to compile; lib/activation.wgsl is
// tested on its own). Tolerance: atol 1e-4, rtol 1e-4 (float32 sums of up to a few hundred products of values in [-1, 1]).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import {
  conv2d, conv2dBackwardFilter, conv2dBackwardFilterAndBias, conv2dBackwardInput, conv2dOutputShape, conv2dTranspose, conv2dTransposeBackwardFilter,
  conv2dTransposeBackwardInput, conv2dTransposeOutputShape, type Conv2DOptions,
} from '../src/ops/conv2d.js';
import type { Padding } from '../src/ops/shapes.js';
import { convKernels, forceConvKernels } from '../src/tuning.js';
import { expectClose, setup, uniform } from './helpers.js';
import { activate, type Act } from './reference/activation.js';
import * as ref from './reference/conv2d.js';
import type { Shape4 } from './reference/conv2d.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

interface Case {
  x: Shape4;
  /** [kh, kw, C, F] for Conv2D; [kh, kw, F, C] for Conv2DTranspose. */
  k: Shape4;
  strides: [number, number];
  padding: Padding;
  act?: Act;
  /** Conv2D's dilationRate (strides 1 then). */
  dilation?: [number, number];
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const name = (c: Case) => `x ${c.x.join('×')} k ${c.k.join('×')} strides ${c.strides.join(',')}${c.dilation ? ` dilation ${c.dilation.join(',')}` : ''} ${c.padding}${c.act ? ` +bias ${c.act}` : ''}`;
/** A case's reference config and the op options that ask for the same convolution. */
const configs = (c: Case): [ref.ConvConfig, Conv2DOptions] => [
  { strides: c.strides, padding: c.padding, dilation: c.dilation },
  { strides: c.strides, padding: c.padding, dilationRate: c.dilation },
];

const CONV_CASES: Case[] = [
  { x: [1, 1, 1, 1], k: [1, 1, 1, 1], strides: [1, 1], padding: 'valid' },
  { x: [2, 1, 1, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'same', act: 'relu' },
  { x: [1, 7, 5, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'same' },
  { x: [2, 7, 5, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'valid' },
  { x: [2, 7, 5, 5], k: [2, 2, 5, 3], strides: [1, 1], padding: 'same' },
  { x: [1, 7, 5, 1], k: [2, 2, 1, 3], strides: [2, 2], padding: 'same', act: 'relu' },
  { x: [2, 7, 5, 3], k: [5, 5, 3, 1], strides: [1, 1], padding: 'same' },
  { x: [1, 7, 6, 3], k: [5, 2, 3, 9], strides: [3, 3], padding: 'same' },
  { x: [2, 7, 5, 5], k: [3, 3, 5, 3], strides: [2, 2], padding: 'valid' },
  { x: [1, 7, 7, 3], k: [1, 1, 3, 5], strides: [3, 3], padding: 'valid' },
  { x: [2, 7, 5, 3], k: [3, 2, 3, 5], strides: [1, 2], padding: 'same' },
  { x: [1, 5, 7, 5], k: [4, 4, 5, 3], strides: [3, 2], padding: 'same' },
  // 442 output pixels: the filter gradient is split into chunks and summed.
  { x: [2, 17, 13, 4], k: [3, 3, 4, 6], strides: [1, 1], padding: 'same' },
  // Channels and filters in fours (the vec4 reads), 16 and 20 filters (one and two column tiles).
  { x: [2, 6, 5, 8], k: [3, 3, 8, 16], strides: [1, 1], padding: 'same', act: 'relu' },
  { x: [1, 5, 4, 4], k: [2, 3, 4, 20], strides: [2, 1], padding: 'same' },
  { x: [2, 5, 3, 12], k: [3, 3, 12, 8], strides: [1, 1], padding: 'valid' },
  // 1-pixel-wide output: the filter gradient's pixel counter wraps at every pixel.
  { x: [3, 9, 1, 6], k: [3, 1, 6, 4], strides: [1, 1], padding: 'same' },
  // Few channels and taps, over 4096 output pixels: the subgroup forward kernel compiled for them.
  { x: [2, 48, 45, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'same', act: 'relu' },
  { x: [2, 130, 66, 1], k: [2, 2, 1, 3], strides: [2, 2], padding: 'valid' },
  // Dilated kernels: odd sizes, 'same' windows wider than the input, channels and filters in fours or
  // not, the split filter gradient, the specialised forward kernel (its pipeline as above).
  { x: [2, 9, 7, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'same', dilation: [2, 2], act: 'relu' },
  { x: [1, 8, 9, 5], k: [3, 2, 5, 3], strides: [1, 1], padding: 'valid', dilation: [2, 3] },
  { x: [2, 7, 6, 8], k: [2, 3, 8, 16], strides: [1, 1], padding: 'same', dilation: [3, 1] },
  { x: [1, 5, 5, 4], k: [3, 3, 4, 6], strides: [1, 1], padding: 'same', dilation: [3, 3] },
  { x: [2, 17, 13, 4], k: [3, 3, 4, 6], strides: [1, 1], padding: 'same', dilation: [1, 2] },
  { x: [2, 48, 45, 3], k: [3, 3, 3, 5], strides: [1, 1], padding: 'same', dilation: [2, 2], act: 'relu' },
];

const TRANSPOSE_CASES: Case[] = [
  { x: [1, 1, 1, 1], k: [1, 1, 1, 1], strides: [1, 1], padding: 'valid' },
  { x: [2, 1, 1, 3], k: [3, 3, 5, 3], strides: [2, 2], padding: 'same', act: 'relu' },
  { x: [1, 4, 3, 3], k: [3, 3, 5, 3], strides: [1, 1], padding: 'same' },
  { x: [2, 4, 3, 3], k: [3, 3, 2, 3], strides: [2, 2], padding: 'valid' },
  { x: [2, 4, 3, 5], k: [2, 2, 3, 5], strides: [2, 2], padding: 'same' },
  { x: [1, 4, 3, 1], k: [2, 2, 3, 1], strides: [3, 3], padding: 'valid' },
  { x: [2, 3, 4, 3], k: [5, 5, 1, 3], strides: [2, 2], padding: 'same' },
  { x: [1, 3, 4, 3], k: [5, 2, 9, 3], strides: [3, 3], padding: 'same' },
  { x: [2, 4, 3, 5], k: [3, 3, 3, 5], strides: [1, 2], padding: 'valid' },
  { x: [1, 5, 3, 3], k: [4, 3, 5, 3], strides: [3, 2], padding: 'same', act: 'relu' },
  { x: [2, 3, 4, 8], k: [3, 3, 16, 8], strides: [2, 2], padding: 'same', act: 'relu' },
  { x: [1, 4, 3, 4], k: [2, 2, 20, 4], strides: [1, 1], padding: 'valid' },
];

/** The bias + activation epilogue of a case: the options that ask for it and its reference. */
function epilogue(c: Case, bias: Float32Array): [Conv2DOptions, (z: Float64Array) => ArrayLike<number>] {
  if (!c.act) return [{}, (z) => z];
  const act = c.act;
  const alpha = act === 'elu' ? 1 : 0.3;
  return [{ bias: tensor(bias), activation: act, alpha }, (z) => z.map((v, i) => activate(act, v + bias[i % bias.length], alpha))];
}

async function check(got: Promise<ArrayLike<number>>, expected: ArrayLike<number>, what: string): Promise<void> {
  expectClose(await got, expected, TOL, what);
}

// The subgroup kernels run on lavapipe (src/tuning.ts), and are skipped on adapters that do not take
// them; the portable ones run everywhere (on lavapipe by forcing them).
describe.each(['subgroup', 'portable'] as const)('conv2d, %s kernels', (kernels) => {
  beforeAll(async () => {
    await setup();
    forceConvKernels(kernels);
  });
  beforeEach((ctx) => {
    if (convKernels() !== kernels) ctx.skip();
  });
  afterAll(() => {
    forceConvKernels(undefined);
  });

  it.each(CONV_CASES)('forward, input and filter gradients: $x $k $strides $padding $dilation', async (c) => {
    const [cfg, geometry] = configs(c);
    const yShape = ref.convShape(c.x, c.k, cfg);
    expect(conv2dOutputShape(c.x, c.k, geometry)).toEqual(yShape);
    const x = uniform(size(c.x), 1);
    const k = uniform(size(c.k), 2);
    const b = uniform(c.k[3], 3);
    const dy = uniform(size(yShape), 4);
    const [fused, finish] = epilogue(c, b);
    const opts: Conv2DOptions = { ...geometry, ...fused };
    const y = finish(ref.conv2d(x, c.x, k, c.k, cfg));
    const kt = tensor(k, c.k);
    await check(conv2d(tensor(x, c.x), kt, opts).data(), y, `y of ${name(c)}`);
    await check(conv2dBackwardInput(tensor(dy, yShape), kt, c.x, opts).data(), ref.conv2dBackwardInput(dy, k, c.k, c.x, cfg), `dx of ${name(c)}`);
    // The filter gradient as the layers take it: with the bias gradient, Σ dy over the pixels, in the same pass.
    const { dk, db } = conv2dBackwardFilterAndBias(tensor(x, c.x), tensor(dy, yShape), c.k, opts);
    await check(dk.data(), ref.conv2dBackwardFilter(x, c.x, dy, c.k, cfg), `dk of ${name(c)}`);
    await check(db.data(), Float64Array.from({ length: c.k[3] }, (_, f) => dy.reduce((sum, v, i) => (i % c.k[3] === f ? sum + v : sum), 0)), `db of ${name(c)}`);
    // Without the bias (Conv2D with useBias false) where the gradient is split over chunks of pixels.
    if (size(yShape) / c.k[3] > 256) await check(conv2dBackwardFilter(tensor(x, c.x), tensor(dy, yShape), c.k, opts).data(), ref.conv2dBackwardFilter(x, c.x, dy, c.k, cfg), `dk alone of ${name(c)}`);
  });

  it.each(TRANSPOSE_CASES)('transpose: forward, input and filter gradients: $x $k $strides $padding', async (c) => {
    const cfg = { strides: c.strides, padding: c.padding };
    const yShape = ref.transposeShape(c.x, c.k, cfg);
    expect(conv2dTransposeOutputShape(c.x, c.k, cfg)).toEqual(yShape);
    const x = uniform(size(c.x), 5);
    const k = uniform(size(c.k), 6);
    const b = uniform(c.k[2], 7);
    const dy = uniform(size(yShape), 8);
    const [fused, finish] = epilogue(c, b);
    const opts: Conv2DOptions = { ...cfg, ...fused };
    const y = finish(ref.conv2dTranspose(x, c.x, k, c.k, cfg));
    const kt = tensor(k, c.k);
    await check(conv2dTranspose(tensor(x, c.x), kt, opts).data(), y, `y of transposed ${name(c)}`);
    await check(conv2dTransposeBackwardInput(tensor(dy, yShape), kt, c.x, opts).data(), ref.conv2dTransposeBackwardInput(dy, yShape, k, c.k, cfg), `dx of transposed ${name(c)}`);
    await check(conv2dTransposeBackwardFilter(tensor(x, c.x), tensor(dy, yShape), c.k, opts).data(), ref.conv2dTransposeBackwardFilter(x, dy, yShape, c.k, cfg), `dk of transposed ${name(c)}`);
  });

  it('propagates NaN and Inf from the input through the windows that read it, and only those', async () => {
    const xShape: Shape4 = [1, 5, 5, 4];
    const kShape: Shape4 = [3, 3, 4, 4];
    const cfg = { strides: [1, 1] as [number, number], padding: 'same' as const };
    const x = uniform(size(xShape), 21);
    x[0] = NaN; // pixel (0, 0)
    x[((1 * 5 + 4) * 5 + 4) * 4 - 1] = Infinity; // pixel (4, 4), channel 3
    const k = uniform(size(kShape), 22, 0.1, 1);
    await check(conv2d(tensor(x, xShape), tensor(k, kShape), cfg).data(), ref.conv2d(x, xShape, k, kShape, cfg), 'y with NaN/Inf input');
  });

  it('keeps a NaN or Inf next to the padded tails of its blocks out of the outputs that do not read it', async () => {
    // 5 channels and filters, so blocks of 4 end past them and into the next tap's weights, or the next
    // pixel's values; 15 output pixels, so the filter gradient's last block of 4 pixels ends past them.
    const cfg = { strides: [1, 1] as [number, number], padding: 'valid' as const };
    const xShape: Shape4 = [1, 3, 6, 5];
    const kShape: Shape4 = [1, 2, 5, 5];
    const yShape = ref.convShape(xShape, kShape, cfg);
    const x = uniform(size(xShape), 23, 0.5, 1);
    const k = uniform(size(kShape), 24, 0.5, 1);
    const dy = uniform(size(yShape), 25, 0.5, 1);
    k[25] = Infinity; // tap 1, channel 0, filter 0
    await check(conv2d(tensor(x, xShape), tensor(k, kShape), cfg).data(), ref.conv2d(x, xShape, k, kShape, cfg), 'y with an Inf weight');
    k[25] = 0.5;
    dy[2 * 5] = NaN; // pixel 2, filter 0
    await check(conv2dBackwardInput(tensor(dy, yShape), tensor(k, kShape), xShape, cfg).data(), ref.conv2dBackwardInput(dy, k, kShape, xShape, cfg), 'dx with a NaN gradient');
    dy[2 * 5] = 0.5;
    x[x.length - 1] = NaN;
    await check(conv2dBackwardFilter(tensor(x, xShape), tensor(dy, yShape), kShape, cfg).data(), ref.conv2dBackwardFilter(x, xShape, dy, kShape, cfg), 'dk with a NaN input');
  });
});

describe('conv2d', () => {
  beforeAll(setup);

  it('the reference gradients agree with central differences of the reference forward pass', () => {
    // Loss L = Σ y·g for a fixed random g, so dL/dy = g; float64 throughout, step 1e-6, tolerance 1e-6.
    const cases: [Case, boolean][] = [
      [{ x: [2, 7, 5, 3], k: [4, 3, 3, 2], strides: [2, 1], padding: 'same' }, false],
      [{ x: [1, 5, 4, 2], k: [3, 3, 3, 2], strides: [2, 2], padding: 'valid' }, true],
      [{ x: [1, 3, 4, 2], k: [4, 4, 3, 2], strides: [3, 2], padding: 'same' }, true],
      [{ x: [1, 7, 6, 2], k: [3, 2, 2, 3], strides: [1, 1], padding: 'same', dilation: [2, 3] }, false],
    ];
    for (const [c, transposed] of cases) {
      const [cfg] = configs(c);
      const yShape = transposed ? ref.transposeShape(c.x, c.k, cfg) : ref.convShape(c.x, c.k, cfg);
      const x = Float64Array.from(uniform(size(c.x), 11));
      const k = Float64Array.from(uniform(size(c.k), 12));
      const g = uniform(size(yShape), 13);
      const forward = () => (transposed ? ref.conv2dTranspose(x, c.x, k, c.k, cfg) : ref.conv2d(x, c.x, k, c.k, cfg));
      const loss = () => forward().reduce((s, v, i) => s + v * g[i], 0);
      const dx = transposed ? ref.conv2dTransposeBackwardInput(g, yShape, k, c.k, cfg) : ref.conv2dBackwardInput(g, k, c.k, c.x, cfg);
      const dk = transposed ? ref.conv2dTransposeBackwardFilter(x, g, yShape, c.k, cfg) : ref.conv2dBackwardFilter(x, c.x, g, c.k, cfg);
      for (const [values, grad, what] of [[x, dx, 'dx'], [k, dk, 'dk']] as const) {
        for (const i of [0, Math.floor(values.length / 3), values.length - 1]) {
          const keep = values[i];
          values[i] = keep + 1e-6;
          const up = loss();
          values[i] = keep - 1e-6;
          const down = loss();
          values[i] = keep;
          expect(Math.abs((up - down) / 2e-6 - grad[i]), `${what}[${i}] of ${transposed ? 'transposed ' : ''}${name(c)}`).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('rejects shapes that cannot work, naming the op and the shapes', () => {
    const x = tensor(uniform(2 * 4 * 4 * 3, 1), [2, 4, 4, 3]);
    const k = tensor(uniform(3 * 3 * 3 * 2, 2), [3, 3, 3, 2]);
    expect(() => conv2d(x, tensor(uniform(5 * 5 * 3, 3), [5, 5, 3, 1]))).toThrow(/conv2d: kernel \[5,5,3,1\] is larger than the input \[2,4,4,3\] with 'valid' padding/);
    expect(() => conv2d(x, tensor(uniform(3 * 3 * 2, 3), [3, 3, 2, 1]))).toThrow(/conv2d: input \[2,4,4,3\] has 3 channels but kernel \[3,3,2,1\] expects 2/);
    expect(() => conv2d(x.reshape([8, 4, 3]), k)).toThrow(/conv2d: expected a non-empty NHWC input .* got \[8,4,3\]/);
    expect(() => conv2d(x, k.reshape([9, 3, 2]))).toThrow(/conv2d: expected a non-empty 4-D kernel, got \[9,3,2\]/);
    expect(() => conv2dOutputShape([2, 0, 4, 3], [3, 3, 3, 2], {})).toThrow(/conv2d: .* got \[2,0,4,3\]/);
    expect(() => conv2d(x, k, { strides: 0 })).toThrow(/conv2d: strides must be a positive integer/);
    expect(() => conv2d(x, k, { padding: 'same', bias: tensor([1, 2, 3]) })).toThrow(/conv2d: bias has shape \[3\], expected \[2\]/);
    expect(() => conv2dBackwardInput(tensor(uniform(2 * 4 * 4 * 2, 4), [2, 4, 4, 2]), k, x.shape)).toThrow(/conv2dBackwardInput: dy has shape \[2,4,4,2\], expected \[2,2,2,2\]/);
    expect(() => conv2dBackwardFilter(x, tensor(uniform(8, 4), [2, 2, 2, 1]), k.shape)).toThrow(/conv2dBackwardFilter: dy has shape \[2,2,2,1\], expected \[2,2,2,2\]/);
    expect(() => conv2dTranspose(x, k)).toThrow(/conv2dTranspose: input \[2,4,4,3\] has 3 channels but kernel \[3,3,3,2\] expects 2/);
    expect(() => conv2d(x, k, { out: tensor([0]) })).toThrow(/conv2d: out has shape \[1\], expected \[2,2,2,2\]/);
    expect(() => conv2d(x, k, { strides: [1, 2], dilationRate: 2 })).toThrow(/conv2d: dilationRate 2 cannot be combined with strides \[1,2\] > 1 \(Keras's rule\)/);
    expect(() => conv2d(x, k, { dilationRate: [2, 0] })).toThrow(/conv2d: dilationRate must be a positive integer or a list of 2, got \[2,0\]/);
    expect(() => conv2d(x, k, { dilationRate: 2 })).toThrow(/conv2d: kernel \[3,3,3,2\] \(dilated by \[2,2\]: \[5,5\]\) is larger than the input \[2,4,4,3\] with 'valid' padding/);
    // Keras's conv_output_length with the dilated window (2·2 + 1 rows, 2·3 + 1 columns).
    expect(conv2dOutputShape([2, 9, 8, 3], k.shape, { dilationRate: [2, 3] })).toEqual([2, 5, 2, 2]);
    expect(conv2dOutputShape([2, 9, 8, 3], k.shape, { dilationRate: [2, 3], padding: 'same' })).toEqual([2, 9, 8, 2]);
    expect(() => conv2dTranspose(x, tensor(uniform(54, 5), [3, 3, 2, 3]), { dilationRate: 2 })).toThrow(/conv2dTranspose: dilationRate 2 is not supported \(only conv2d's\)/);
  });
});
