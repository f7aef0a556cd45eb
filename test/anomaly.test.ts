// ROC AUC against its definition (every anomalous/normal pair compared, ties half) in float64,
// on random scores with many ties, and on the edge cases; bad input.
import { describe, expect, it } from 'vitest';
import { rocAuc, topScores } from '../src/anomaly.js';
import { rng } from './helpers.js';
import { pairwiseAuc } from './reference/auc.js';

describe('rocAuc', () => {
  it.each([7, 100, 1001])('%i samples with ties: equals the pairwise definition', (n) => {
    const r = rng(n);
    const anomalous = Array.from({ length: n }, (_, i) => i < 2 || (i > 3 && r() < 0.3));
    // Scores on a coarse grid (many ties), anomalies shifted up a little.
    const scores = Float32Array.from(anomalous, (a) => Math.round((r() + (a ? 0.3 : 0)) * 20) / 20);
    expect(rocAuc(scores, anomalous)).toBeCloseTo(pairwiseAuc(scores, anomalous), 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie', () => {
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [false, false, true, true])).toBe(0);
    expect(rocAuc([1, 1, 1], [true, false, false])).toBe(0.5);
    expect(topScores([0.3, 0.9, 0.1, 0.5], 2)).toEqual([1, 3]);
  });

  it('rejects one-class labels, NaN scores and mismatched lengths', () => {
    expect(() => rocAuc([1, 2], [true, true])).toThrow('rocAuc needs anomalous and normal samples, got 2 anomalous and 0 normal');
    expect(() => rocAuc([1, NaN], [true, false])).toThrow('rocAuc: score 1 is NaN');
    expect(() => rocAuc([1, 2, 3], [true, false])).toThrow('rocAuc: 3 scores but 2 labels');
  });
});
