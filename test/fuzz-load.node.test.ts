// Fuzzing loadModel with thousands of seeded mutations of a valid model.json and weights file:
// values swapped for hostile ones (huge or negative numbers, '__proto__', '../secret.bin', absolute
// paths), keys deleted, bytes flipped, files cut or grown. Every load must end, quickly, in a model
// or an Error; memory stays bounded and no tensor is left behind by a failed load; and no weights
// ever come from the canary file beside the model folder (same size as the real weights, so only
// the path checks keep it out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { conv2d } from '../src/layers/conv2d.js';
import { maxPooling2d } from '../src/layers/max_pooling2d.js';
import { flatten } from '../src/layers/flatten.js';
import { loadModel } from '../src/io/index.js';
import { registerFileHandler } from '../src/node/io.js';
import { memory } from '../src/tensor.js';
import { seededRandom } from '../src/initializers.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

const MUTATIONS = 2500;
/** Another seed explores other mutations: WGSLNET_FUZZ_SEED=123 npx vitest run --project node test/fuzz-load.node.test.ts */
const SEED = Number(process.env.WGSLNET_FUZZ_SEED ?? 20261129);
const CANARY = 7.25;

let root: string;
let dir: string;
let jsonText: string;
let bin: Buffer;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const HOSTILE: Json[] = [
  0, -1, 1, 2, 3, 1.5, 1e9, 2 ** 31, 2 ** 53, -1e308, null, true, false, '', 'x', [], {}, [[]], [0], [-1], [1e6, 1e6],
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'float64', 'int32', 'string',
  '../secret.bin', '../../secret.bin', 'sub/../../secret.bin', 'link.bin', 'file:///etc/passwd', 'http://127.0.0.1:9/w.bin',
  'weights.bin', './weights.bin', 'model.json', '.', '..', 'Dense', 'Conv2D', 'InputLayer', 'Sequential', 'Model', 'Functional',
  'relu', 'softmax', 'same', 'valid', 'channels_first', { class_name: '__proto__', config: {} }, { class_name: 'VarianceScaling', config: { scale: -1 } },
];

/** Every [container, key] in a JSON tree, for picking a place to mutate. */
function places(v: Json, out: [Json[] | Record<string, Json>, string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((c, i) => (out.push([v, i]), places(c, out)));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push([v, k]), places(v[k], out);
  return out;
}

/** One mutated model.json text and weights file, from the seeded random source. */
function mutate(random: () => number): { text: string; weights: Buffer } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  let text = jsonText;
  let weights = bin;
  const rounds = 1 + Math.floor(random() * 3);
  for (let r = 0; r < rounds; r++) {
    const kind = random();
    let tree: Json | undefined;
    try {
      tree = JSON.parse(text) as Json;
    } catch {
      // An earlier round broke the JSON: later rounds mutate bytes.
    }
    const spots = tree === undefined ? [] : places(tree);
    if (kind < 0.6 && spots.length > 0) {
      const [container, key] = pick(spots);
      const action = random();
      if (action < 0.7) (container as Record<string | number, Json>)[key] = structuredClone(pick(HOSTILE));
      else if (action < 0.85) {
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key as string];
      } else if (Array.isArray(container)) container.push(structuredClone(container[key as number]));
      else (container as Record<string, Json>)[key as string] = structuredClone(tree!);
      text = JSON.stringify(tree);
    } else if (kind < 0.75) {
      const bytes = Buffer.from(text);
      for (let i = 0; i < 1 + random() * 4; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      text = bytes.toString('latin1');
    } else if (kind < 0.85) {
      text = text.slice(0, Math.floor(random() * text.length));
    } else {
      const w = random();
      weights = w < 0.4 ? weights.subarray(0, Math.floor(random() * weights.length)) : w < 0.7 ? Buffer.concat([weights, Buffer.alloc(Math.floor(random() * 64))]) : Buffer.from(weights.map((b) => (random() < 0.05 ? 0xff : b)));
    }
  }
  return { text, weights };
}

beforeAll(async () => {
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-fuzz-'));
  const x = input({ shape: [6, 6, 2] });
  let y = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  y = maxPooling2d({ poolSize: 2 }).apply(y);
  y = dense({ units: 4, activation: 'tanh' }).apply(flatten({}).apply(y));
  const good = join(root, 'good');
  await new Model({ inputs: x, outputs: y }).save(good);
  jsonText = await readFile(join(good, 'model.json'), 'utf8');
  bin = await readFile(join(good, 'weights.bin'));
  // The canary: outside the model folder, exactly the weights' size, every value CANARY.
  await writeFile(join(root, 'secret.bin'), Buffer.from(new Float32Array(bin.byteLength / 4).fill(CANARY).buffer));
  dir = join(root, 'model');
  await mkdir(dir);
  await symlink(join(root, 'secret.bin'), join(dir, 'link.bin'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('fuzzing loadModel', () => {
  it(`${MUTATIONS} mutations: a model or an Error, never a hang, bounded memory, nothing read from outside`, async () => {
    const random = seededRandom(SEED);
    const tensorsBefore = memory().numTensors;
    const rssBefore = process.memoryUsage().rss;
    let maxRss = rssBefore;
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    /** Errors other than plain Error (TypeError, RangeError…): code that trusted a value from the file. */
    const crashes = new Set<string>();
    for (let i = 0; i < MUTATIONS; i++) {
      const { text, weights } = mutate(random);
      await writeFile(join(dir, 'model.json'), text);
      await writeFile(join(dir, 'weights.bin'), weights);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hang = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`mutation ${i} did not finish in 5 s: ${text.slice(0, 300)}`)), 5000)));
      try {
        const m = await Promise.race([loadModel(dir, { maxWeightBytes: 64 * 2 ** 20 }), hang]);
        const values = await m.getWeights();
        for (const v of values) expect(v.some((x) => x === CANARY), `mutation ${i} loaded the canary: ${text}`).toBe(false);
        for (const w of m.weights) w.value.dispose();
        count('model');
      } catch (e) {
        if (String((e as Error).message).startsWith(`mutation ${i} did not finish`)) throw e;
        expect(e, `mutation ${i} threw a non-Error`).toBeInstanceOf(Error);
        count((e as Error).constructor.name);
        if ((e as Error).constructor !== Error) crashes.add(`${(e as Error).constructor.name}: ${(e as Error).message} @ ${(e as Error).stack?.split('\n')[1]?.trim()}`);
      } finally {
        clearTimeout(timer);
      }
      if (i % 100 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }
    console.log(`fuzz outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; RSS grew ${((maxRss - rssBefore) / 2 ** 20).toFixed(0)} MB${[...crashes].map((c) => `\n  ${c}`).join('')}`);
    expect([...crashes], 'every failed load is a plain Error naming what is wrong').toEqual([]);
    expect(outcomes.get('model') ?? 0).toBeGreaterThan(0);
    expect(maxRss - rssBefore).toBeLessThan(512 * 2 ** 20);
    // Failed loads free what they made.
    expect(memory().numTensors).toBe(tensorsBefore);
    await expectTrainsCorrectly();
  }, 120_000);
});
