// Anomaly detection with an autoencoder: a sample the model reconstructs badly is unlike what it
// was trained on. Scores come from model.evaluate(x, x, { reduction: 'none' }) (each sample's
// reconstruction loss, on the GPU); this module ranks them on the host.

/**
 * The area under the ROC curve of `scores` for telling anomalies (labels true) from normal
 * samples: the probability that a random anomaly scores higher than a random normal sample, ties
 * counting half (the Mann–Whitney U statistic over n₊·n₋, from average ranks; O(n log n)).
 */
export function rocAuc(scores: ArrayLike<number>, anomalous: ArrayLike<boolean>): number {
  const n = scores.length;
  if (anomalous.length !== n) throw new Error(`rocAuc: ${n} scores but ${anomalous.length} labels`);
  const positives = Array.from(anomalous).filter(Boolean).length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) throw new Error(`rocAuc needs anomalous and normal samples, got ${positives} anomalous and ${negatives} normal`);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new Error(`rocAuc: score ${i} is NaN`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++;
    // Tied scores share the average of ranks start+1 … end+1.
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (anomalous[order[k]]) rankSum += rank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Indices of the `count` highest scores, highest first. */
export function topScores(scores: ArrayLike<number>, count: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, count);
}

/**
 * The q-quantile (q in [0, 1]) of `values`, linearly interpolated between the order statistics
 * (NumPy's default): a threshold that the given share of normal scores stays under.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[sorted.length - 1])) throw new Error('quantile: a value is NaN');
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return lo + 1 < sorted.length ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** Precision, recall and F1 of `flagged` against the labels (precision 0 when nothing is flagged). */
export function precisionRecall(flagged: ArrayLike<boolean>, anomalous: ArrayLike<boolean>): { precision: number; recall: number; f1: number; truePositives: number; falsePositives: number; falseNegatives: number } {
  if (flagged.length !== anomalous.length) throw new Error(`precisionRecall: ${flagged.length} flags but ${anomalous.length} labels`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < flagged.length; i++) {
    if (flagged[i] && anomalous[i]) tp++;
    else if (flagged[i]) fp++;
    else if (anomalous[i]) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}
