// float64 reference of the losses (Keras/TF.js definitions): mean over all elements, and its gradient.
export type Loss = 'mse' | 'mae' | 'binaryCrossentropy';

/** TF.js's epsilon() and its clip bounds as float32, as the kernels see them. */
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

function elementLoss(loss: Loss, p: number, y: number): number {
  switch (loss) {
    case 'mse': return (p - y) ** 2;
    case 'mae': return Math.abs(p - y);
    case 'binaryCrossentropy': {
      const q = Math.min(Math.max(p, LO), HI);
      return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }
  }
}

function elementGrad(loss: Loss, p: number, y: number): number {
  switch (loss) {
    case 'mse': return 2 * (p - y);
    case 'mae': return Math.sign(p - y);
    case 'binaryCrossentropy': return p >= LO && p <= HI ? (p - y) / (p * (1 - p)) : 0;
  }
}

export function lossRef(loss: Loss, pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < pred.length; i++) total += elementLoss(loss, pred[i], truth[i]);
  return total / pred.length;
}

export function lossGradRef(loss: Loss, pred: ArrayLike<number>, truth: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: pred.length }, (_, i) => elementGrad(loss, pred[i], truth[i]) / pred.length);
}
