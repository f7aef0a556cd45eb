// The figures of src/node/plot.ts: what is drawn where (colours at the data's positions, a legend).
import { describe, expect, it } from 'vitest';
import { scatterPlot } from '../src/node/plot.js';

describe('scatterPlot', () => {
  it('draws each class in its own colour and lists every class in the legend', () => {
    const x = [0, 1, 0, 1];
    const y = [0, 0, 1, 1];
    const img = scatterPlot({ x, y, classes: [0, 1, 2, 1] }, ['a', 'bb', 'ccc'], { width: 320, height: 240, dot: 6 });
    const colours = new Set<string>();
    for (let p = 0; p < img.width * img.height; p++) {
      const [r, g, b] = img.data.subarray(4 * p, 4 * p + 3);
      if (r !== g || g !== b) colours.add(`${r},${g},${b}`);
    }
    // Matplotlib's first three colours, fully covered at the dots' centres.
    for (const c of ['31,119,180', '255,127,14', '44,160,44']) expect(colours.has(c), c).toBe(true);
    expect(img.width).toBe(320);
  });

  it('rejects mismatched lengths and classes outside the names', () => {
    expect(() => scatterPlot({ x: [0], y: [0, 1], classes: [0] }, ['a'])).toThrow(/scatterPlot: x, y and classes differ in length \(1, 2, 1\)/);
    expect(() => scatterPlot({ x: [0], y: [0], classes: [3] }, ['a', 'b'])).toThrow(/scatterPlot: point 0 has class 3, outside 0..1/);
  });
});
