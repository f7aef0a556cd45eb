// ROC AUC by its definition, independent of src/anomaly.ts's rank formula: every anomalous/normal
// pair compared, the anomaly's score higher counting 1 and a tie 1/2, over the number of pairs.
export function pairwiseAuc(scores: ArrayLike<number>, anomalous: ArrayLike<boolean>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!anomalous[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (anomalous[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}
