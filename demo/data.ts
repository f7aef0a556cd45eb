/// <reference types="vite/client" />
// The data sets as the page gets them from data/ next to it (see vite.config.ts): the dev server's
// routes to this machine's files, or the slice a static build carries. Fashion-MNIST goes through
// the library's browser loader, the photo patches are decoded by the browser. Pixels stay uint8
// (N×H×W×C) and are scaled by 1/255 on the GPU as batches are drawn.
import { addGaussianNoise, FASHION_MNIST_CLASSES, loadFashionMnist, toFloat, trainTestSplit, type HostTensor } from '../src/index.js';

export interface ImageSet {
  train: HostTensor & { data: Uint8Array };
  test: HostTensor & { data: Uint8Array };
  /** Test samples shown in the reconstruction grid (one per class for Fashion-MNIST). */
  showcase: number[];
  /** A caption per showcase image. */
  captions: string[];
  /** The test images' class labels and the classes' names (Fashion-MNIST), for the VAE's latent plane. */
  testLabels?: Uint8Array;
  classes?: readonly string[];
}

/** data/index.json: what the server has. */
export interface DataIndex {
  /** Image counts of the Fashion-MNIST the page gets; `slice` when it is a static build's part of it. */
  fashionMnist: { train: number; test: number; slice: boolean } | null;
  photos: number;
}

/** data/ beside the page, wherever the app is deployed. */
const DATA = new URL(`${import.meta.env.BASE_URL}data/`, location.href);

export async function available(): Promise<DataIndex> {
  const response = await fetch(new URL('index.json', DATA)).catch(() => null);
  if (!response?.ok) return { fashionMnist: null, photos: 0 };
  return response.json();
}

async function fashionMnist(): Promise<ImageSet> {
  const f = await loadFashionMnist(new URL('fashion-mnist/', DATA).href).catch((e: Error) => {
    throw new Error(`Could not load Fashion-MNIST from this server (${e.message}). Reload the page to try again.`);
  });
  const withChannel = (x: HostTensor) => ({ data: x.data as Uint8Array, shape: [...x.shape, 1] });
  const labels = f.yTest.data;
  const showcase = FASHION_MNIST_CLASSES.map((_, c) => labels.indexOf(c));
  return {
    train: withChannel(f.xTrain),
    test: withChannel(f.xTest),
    showcase,
    captions: showcase.map((i) => FASHION_MNIST_CLASSES[labels[i]]),
    testLabels: labels as Uint8Array,
    classes: FASHION_MNIST_CLASSES,
  };
}

async function decodePng(url: string, size: number): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bitmap = await createImageBitmap(await response.blob());
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, size, size);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const rgb = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) rgb.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
  return rgb;
}

async function photos(): Promise<ImageSet> {
  const size = 64;
  const files: string[] = await (await fetch(new URL('photos/index.json', DATA))).json();
  const per = size * size * 3;
  const all = new Uint8Array(files.length * per);
  // A few requests at a time: ~1000 small files.
  for (let i = 0; i < files.length; i += 32) {
    const batch = files.slice(i, i + 32);
    const decoded = await Promise.all(batch.map((f) => decodePng(new URL(`photos/${encodeURIComponent(f)}`, DATA).href, size)));
    decoded.forEach((rgb, k) => all.set(rgb, (i + k) * per));
  }
  // The library's seeded split, as the Node examples use (80/20).
  const [train, test] = trainTestSplit({ data: all, shape: [files.length, size, size, 3] }, { testSize: 0.2, seed: 0 });
  const showcase = Array.from({ length: Math.min(8, test.shape[0]) }, (_, k) => Math.floor((k * test.shape[0]) / 8));
  return { train: train as ImageSet['train'], test: test as ImageSet['test'], showcase, captions: showcase.map(() => '') };
}

const cache = new Map<string, Promise<ImageSet>>();

export function loadImageSet(kind: 'fashion-mnist' | 'photos'): Promise<ImageSet> {
  let set = cache.get(kind);
  if (!set) {
    set = kind === 'fashion-mnist' ? fashionMnist() : photos();
    // A failed load can be retried.
    set.catch(() => cache.delete(kind));
    cache.set(kind, set);
  }
  return set;
}

/** Samples at the given indices. */
export function pick(x: HostTensor & { data: Uint8Array }, indices: number[]): HostTensor & { data: Uint8Array } {
  const per = x.data.length / x.shape[0];
  const data = new Uint8Array(indices.length * per);
  indices.forEach((src, dst) => data.set(x.data.subarray(src * per, (src + 1) * per), dst * per));
  return { data, shape: [indices.length, ...x.shape.slice(1)] };
}

/**
 * The denoiser's inputs: x/255 + factor·N(0, 1), clipped, back to uint8 (the library's
 * addGaussianNoise, a thousand samples at a time so the float copy stays small).
 */
export function noisy(x: HostTensor & { data: Uint8Array }, factor: number, seed: number): HostTensor & { data: Uint8Array } {
  const per = x.data.length / x.shape[0];
  const out = new Uint8Array(x.data.length);
  for (let i = 0, k = 0; i < x.shape[0]; i += 1000, k++) {
    const chunk = x.data.subarray(i * per, Math.min(i + 1000, x.shape[0]) * per);
    const noise = addGaussianNoise(toFloat({ data: chunk, shape: [chunk.length] }), { factor, seed: seed + k }).data;
    for (let j = 0; j < noise.length; j++) out[i * per + j] = Math.round(noise[j] * 255);
  }
  return { data: out, shape: x.shape };
}
