// Fashion-MNIST (Zalando, 28×28 grey clothing images in 10 classes) from the four original IDX
// .gz files. The browser fetches them from a base URL; src/node/datasets.ts reads them from disk.
import type { HostTensor } from '../tensor.js';
import { readIdx } from './idx.js';

export interface FashionMnist {
  /** 60000×28×28 uint8 */
  xTrain: HostTensor;
  /** 60000 uint8 labels, 0..9 */
  yTrain: HostTensor;
  /** 10000×28×28 uint8 */
  xTest: HostTensor;
  /** 10000 uint8 labels, 0..9 */
  yTest: HostTensor;
}

export const FASHION_MNIST_FILES = {
  xTrain: 'train-images-idx3-ubyte.gz',
  yTrain: 'train-labels-idx1-ubyte.gz',
  xTest: 't10k-images-idx3-ubyte.gz',
  yTest: 't10k-labels-idx1-ubyte.gz',
} as const;

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** Parses the four files, given a reader that returns a file's bytes and the name to report it by. */
export async function assembleFashionMnist(read: (file: string) => Promise<{ bytes: Uint8Array; name: string }>): Promise<FashionMnist> {
  const parse = async (file: string) => {
    const { bytes, name } = await read(file);
    return { tensor: await readIdx(bytes, name), name };
  };
  const f = FASHION_MNIST_FILES;
  const [xTrain, yTrain, xTest, yTest] = await Promise.all([parse(f.xTrain), parse(f.yTrain), parse(f.xTest), parse(f.yTest)]);
  for (const [x, y] of [[xTrain, yTrain], [xTest, yTest]]) {
    if (x.tensor.shape.length !== 3 || y.tensor.shape.length !== 1) {
      throw new Error(`${x.name} / ${y.name}: expected images N×H×W and labels N, got ${x.tensor.shape.join('×')} and ${y.tensor.shape.join('×')} (files swapped?)`);
    }
    if (x.tensor.shape[0] !== y.tensor.shape[0]) {
      throw new Error(`${x.name} has ${x.tensor.shape[0]} images but ${y.name} has ${y.tensor.shape[0]} labels`);
    }
  }
  return { xTrain: xTrain.tensor, yTrain: yTrain.tensor, xTest: xTest.tensor, yTest: yTest.tensor };
}

/**
 * Loads Fashion-MNIST in the browser from `baseUrl` (a folder URL holding the four .gz files,
 * e.g. served next to the page). Works whether or not the server decodes the gzip itself.
 */
export function loadFashionMnist(baseUrl: string): Promise<FashionMnist> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return assembleFashionMnist(async (file) => {
    const url = new URL(file, new URL(base, globalThis.location?.href)).href;
    const response = await fetch(url).catch((e: Error) => {
      throw new Error(`${url}: ${e.message}`);
    });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
    return { bytes: new Uint8Array(await response.arrayBuffer()), name: url };
  });
}
