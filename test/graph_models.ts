// Graph models built alike in wgslnet and in tfjs-layers (same layer names, same order of weights),
// shared by the parity and the save/load tests.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { input, model, layers, type Model } from '../src/index.js';

type Sym = tfl.SymbolicTensor;

export function unet(): Model {
  const x = input({ shape: [8, 8, 2], name: 'image' });
  const c1 = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', biasInitializer: 'randomNormal' }).apply(x);
  const p = layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(c1);
  const c2 = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2', biasInitializer: 'randomNormal' }).apply(p);
  const u = layers.upSampling2d({ size: 2, name: 'up' }).apply(c2);
  const cat = layers.concatenate({ name: 'skip' }).apply([u, c1]);
  return model({ inputs: x, outputs: layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'mask', biasInitializer: 'randomNormal' }).apply(cat), name: 'unet' });
}

export function tfUnet(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 2], name: 'image' });
  const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }).apply(x) as Sym;
  const p = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(c1) as Sym;
  const c2 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2' }).apply(p) as Sym;
  const u = tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(c2) as Sym;
  const cat = tfl.layers.concatenate({ name: 'skip' }).apply([u, c1]) as Sym;
  return tfl.model({ inputs: x, outputs: tfl.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'mask' }).apply(cat) as Sym });
}

export function twoHeads(): Model<any> {
  const x = input({ shape: [5], name: 'x' });
  const trunk = layers.dense({ units: 4, activation: 'tanh', name: 'trunk', biasInitializer: 'randomNormal' }).apply(x);
  const o1 = layers.dense({ units: 2, name: 'o1', biasInitializer: 'randomNormal' }).apply(trunk);
  const o2 = layers.dense({ units: 1, activation: 'sigmoid', name: 'o2', biasInitializer: 'randomNormal' }).apply(trunk);
  return model({ inputs: x, outputs: [o1, o2], name: 'heads' });
}

export function tfTwoHeads(): tfl.LayersModel {
  const x = tfl.input({ shape: [5], name: 'x' });
  const trunk = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'trunk' }).apply(x) as Sym;
  const o1 = tfl.layers.dense({ units: 2, name: 'o1' }).apply(trunk) as Sym;
  const o2 = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'o2' }).apply(trunk) as Sym;
  return tfl.model({ inputs: x, outputs: [o1, o2] });
}

/** Copies wgslnet's weights into the TF.js model (same order, checked by size). */
export async function copyWeights(from: Model<any>, to: tfl.LayersModel): Promise<void> {
  const ws = await from.getWeights();
  const theirs = to.getWeights();
  expect(ws.map((w) => w.length)).toEqual(theirs.map((w) => w.size));
  to.setWeights(ws.map((w, i) => tf.tensor(w, theirs[i].shape)));
}
