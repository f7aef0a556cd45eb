// The optimizers' update rules, each stated once: the standalone update kernels (shaders/*_update.wgsl,
// one pass over value, gradient and slots) and the GEMM that fuses the update into the weight
// gradient's epilogue (shaders/matmul_update.wgsl) both call these. Each takes the (clipped)
// gradient g and the rate lr, updates its slots through the pointers, and returns the step the
// caller subtracts from the (decayed) weight. The math and its order are TF.js's, per rule, as the
// comments say; keep them bit for bit (the TF.js-parity tests compare float32 results).
override NESTEROV: bool = false;
override MOMENTUM: bool = false;
override CENTERED: bool = false;

// Plain SGD, as TF.js's tf.train.sgd: value += (-lr)·g.
fn sgd_rule(g: vec4f, lr: f32) -> vec4f {
  return lr * g;
}

// SGD with momentum, as TF.js's tf.train.momentum (= Keras's SGD(momentum, nesterov) with the
// velocity stored as accum = -velocity / lr):
//   accum = momentum·accum + g
//   value += (-lr)·accum                       or, with NESTEROV,   value += (-lr)·(g + momentum·accum)
fn momentum_rule(g: vec4f, lr: f32, accum: ptr<function, vec4f>, momentum: f32) -> vec4f {
  let a = momentum * *accum + g;
  *accum = a;
  return lr * select(a, g + a * momentum, NESTEROV);
}

// Adam, as TF.js's tf.train.adam (epsilon added to the bias-corrected root):
//   m = β1·m + (1-β1)·g        v = β2·v + (1-β2)·g²
//   value += (-lr) · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + ε)
// with β1^t, β2^t = power1, power2.
fn adam_rule(g: vec4f, lr: f32, m: ptr<function, vec4f>, v: ptr<function, vec4f>, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, power1: f32, power2: f32) -> vec4f {
  let m1 = *m * beta1 + g * oneMinusBeta1;
  let v1 = *v * beta2 + g * g * oneMinusBeta2;
  *m = m1;
  *v = v1;
  let mHat = m1 / (1.0 - power1);
  let vHat = v1 / (1.0 - power2);
  return mHat / (sqrt(vHat) + epsilon) * lr;
}

// Adadelta, as TF.js's tf.train.adadelta, whose update divides by the accumulated gradient of the
// previous step (Keras uses the new one; TF.js is the reference the models are tested against):
//   upd = sqrt(accUpdate + ε) / sqrt(accGrad + ε) · g          (old accGrad)
//   accGrad = ρ·accGrad + (1-ρ)·g²      accUpdate = ρ·accUpdate + (1-ρ)·upd²      value += (-lr)·upd
fn adadelta_rule(g: vec4f, lr: f32, accGrad: ptr<function, vec4f>, accUpdate: ptr<function, vec4f>, rho: f32, oneMinusRho: f32, epsilon: f32) -> vec4f {
  let upd = sqrt(*accUpdate + epsilon) / sqrt(*accGrad + epsilon) * g;
  *accGrad = *accGrad * rho + g * g * oneMinusRho;
  *accUpdate = *accUpdate * rho + upd * upd * oneMinusRho;
  return upd * lr;
}

// RMSprop, as TF.js's tf.train.rmsprop (and Keras):
//   ms = ρ·ms + (1-ρ)·g²                   CENTERED: mg = ρ·mg + (1-ρ)·g,  denominator ms - mg² + ε
//   inc = lr·g / sqrt(ms + ε)  (or the centered denominator)
//   MOMENTUM: mom = momentum·mom + inc, value -= mom;   otherwise value -= inc (what TF.js computes
//   with momentum 0, without storing the slot)
// Centered uses Keras's ms - mg² + ε: TF.js 4.22 writes ms - (mg² + ε), the square root of a
// negative number (NaN) wherever the gradient's running variance is below ε, e.g. a zero gradient.
// mom and mg are read and written only with MOMENTUM and CENTERED.
fn rmsprop_rule(g: vec4f, lr: f32, ms: ptr<function, vec4f>, mom: ptr<function, vec4f>, mg: ptr<function, vec4f>, rho: f32, oneMinusRho: f32, momentum: f32, epsilon: f32) -> vec4f {
  let ms1 = *ms * rho + g * g * oneMinusRho;
  *ms = ms1;
  var denominator = ms1 + epsilon;
  if (CENTERED) {
    let mg1 = *mg * rho + g * oneMinusRho;
    *mg = mg1;
    denominator = ms1 - mg1 * mg1 + epsilon;
  }
  var step = g * lr / sqrt(denominator);
  if (MOMENTUM) {
    step += *mom * momentum;
    *mom = step;
  }
  return step;
}

// Adagrad, as TF.js's tf.train.adagrad (and Keras):
//   acc += g²        value += (-lr) · g / sqrt(acc + ε)
// acc starts at initialAccumulatorValue (filled when the slot is created).
fn adagrad_rule(g: vec4f, lr: f32, acc: ptr<function, vec4f>, epsilon: f32) -> vec4f {
  let a = *acc + g * g;
  *acc = a;
  return g / sqrt(a + epsilon) * lr;
}
