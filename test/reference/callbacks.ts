// float64 transcriptions of Keras 3's EarlyStopping and ReduceLROnPlateau decisions
// (keras/src/callbacks/early_stopping.py, reduce_lr_on_plateau.py), mode 'min', fed a sequence of
// monitored values: the epoch training stops at and the best epoch; the rate in force each epoch.

export function earlyStoppingRef(values: number[], patience: number, minDelta: number): { stoppedEpoch: number | null; bestEpoch: number } {
  let wait = 0;
  let best: number | null = null;
  let bestEpoch = 0;
  const md = -Math.abs(minDelta);
  for (let epoch = 0; epoch < values.length; epoch++) {
    const current = values[epoch];
    wait += 1;
    if (best === null || current - md < best) {
      best = current;
      bestEpoch = epoch;
      wait = 0;
      continue;
    }
    if (wait >= patience && epoch > 0) return { stoppedEpoch: epoch, bestEpoch };
  }
  return { stoppedEpoch: null, bestEpoch };
}

/** The learning rate used in each epoch (rates[0] = initial), and after the last. */
export function reduceLROnPlateauRef(values: number[], lr: number, o: { factor: number; patience: number; minDelta: number; cooldown: number; minLr: number }): number[] {
  let best = Infinity;
  let wait = 0;
  let cooldownCounter = 0;
  const rates = [lr];
  for (const current of values) {
    if (cooldownCounter > 0) {
      cooldownCounter -= 1;
      wait = 0;
    }
    if (current < best - o.minDelta) {
      best = current;
      wait = 0;
    } else if (!(cooldownCounter > 0)) {
      wait += 1;
      if (wait >= o.patience) {
        if (lr > Math.fround(o.minLr)) {
          lr = Math.max(lr * o.factor, o.minLr);
          cooldownCounter = o.cooldown;
          wait = 0;
        }
      }
    }
    rates.push(lr);
  }
  return rates;
}
