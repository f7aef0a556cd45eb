// Saving over a model is atomic as a whole: a child process saving a new model is killed (SIGKILL)
// at each step of the save (WGSLNET_SAVE_KILL_AT), and the folder must then load as the old model or
// the new one — weights and topology of the same model, never a mix. The next save removes what the
// killed one left; two saves into one folder at once leave one of them whole; folders and files get
// the usual permissions. Children run the built library (dist/, as the CLI tests do).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { Dense, dense } from '../src/layers/dense.js';
import { loadModel } from '../src/io/index.js';
import { registerFileHandler } from '../src/node/io.js';
import { setRandomSeed } from '../src/initializers.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

const DIST = resolve('dist/node/index.js');
let root: string;
let child: string;

/** The old model: sigmoid output. Children save a tanh one with other weights but the same shapes. */
function oldModel(): Model {
  setRandomSeed(1);
  const x = input({ shape: [4] });
  return new Model({ inputs: x, outputs: dense({ units: 4, activation: 'sigmoid' }).apply(dense({ units: 3 }).apply(x)) });
}

const CHILD = `
import { writeFileSync } from 'node:fs';
const [dist, dir, ref, seed] = process.argv.slice(2);
const w = await import(dist);
await w.init();
w.setRandomSeed(Number(seed));
const x = w.input({ shape: [4] });
const m = new w.Model({ inputs: x, outputs: w.layers.dense({ units: 4, activation: 'tanh' }).apply(w.layers.dense({ units: 3 }).apply(x)) });
const values = await m.getWeights();
writeFileSync(ref, Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
await m.save(dir);
w.release();
process.exit(0);
`;

/** Runs the child saving a new model into `dir`; resolves with the signal that ended it (null: finished). */
function saveInChild(dir: string, ref: string, seed: number, killAt?: string): Promise<NodeJS.Signals | null> {
  return new Promise((done, fail) => {
    const env = { ...process.env, WGSLNET_SAVE_KILL_AT: killAt ?? '' };
    const p = execFile(process.execPath, [child, pathToFileURL(DIST).href, dir, ref, String(seed)], { env, timeout: 60_000 }, (error, _out, stderr) => {
      if (error && !p.signalCode) fail(new Error(`child failed: ${stderr}`));
    });
    p.on('exit', (_code, signal) => done(signal));
  });
}

async function weightBytes(m: Model): Promise<Buffer> {
  return Buffer.concat((await m.getWeights()).map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
}

/** Loads `dir` and says which whole model it holds; fails on a mix or an unloadable folder. */
async function whichModel(dir: string, old: Buffer, ref: string): Promise<'old' | 'new'> {
  const loaded = await loadModel(dir);
  const bytes = await weightBytes(loaded);
  const activation = (loaded.layers.at(-1) as Dense).activation;
  for (const w of loaded.weights) w.value.dispose();
  if (bytes.equals(old)) {
    expect(activation).toBe('sigmoid');
    return 'old';
  }
  expect(bytes.equals(await readFile(ref)), 'weights are neither the old nor the new model').toBe(true);
  expect(activation).toBe('tanh');
  return 'new';
}

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first (npm test does)`);
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-atomic-'));
  child = join(root, 'child.mjs');
  await writeFile(child, CHILD);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a save killed at any step leaves the old model or the new one', () => {
  const steps: [string, 'old' | 'new'][] = [
    ['weights-staged', 'old'],
    ['json-names-staged', 'new'],
    ['weights-copied', 'new'],
    ['weights-renamed', 'new'],
    ['json-final', 'new'],
  ];
  it.each(steps)('killed at %s: the folder holds the %s model; the next save cleans up', async (killAt, expected) => {
    const dir = join(root, `over-${killAt}`);
    const old = oldModel();
    await old.save(dir);
    await writeFile(join(dir, 'notes.txt'), 'kept');
    const oldBytes = await weightBytes(old);
    const ref = join(root, `ref-${killAt}.bin`);
    expect(await saveInChild(dir, ref, 7, killAt)).toBe('SIGKILL');
    expect(await whichModel(dir, oldBytes, ref)).toBe(expected);
    // The lock of the killed save is taken over, its staged and temp files removed.
    await old.save(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'notes.txt', 'weights.bin']);
    expect(await whichModel(dir, oldBytes, ref)).toBe('old');
  });

  it('a new folder killed before its rename: nothing at the path; the next save removes the hidden folder', async () => {
    const parent = join(root, 'fresh');
    const dir = join(parent, 'model');
    const ref = join(root, 'ref-fresh.bin');
    expect(await saveInChild(dir, ref, 8, 'new-folder-written')).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false);
    expect((await readdir(parent)).filter((f) => f.startsWith('.model.saving-'))).toHaveLength(1);
    const old = oldModel();
    await old.save(dir);
    expect(await readdir(parent)).toEqual(['model']);
    expect(await whichModel(dir, await weightBytes(old), ref)).toBe('old');
    await expectTrainsCorrectly();
  });
});

describe('concurrent saves and permissions', () => {
  it('two processes saving into one folder at once: one of them, whole', async () => {
    const dir = join(root, 'two-processes');
    const old = oldModel();
    await old.save(dir);
    const refs = [join(root, 'ref-a.bin'), join(root, 'ref-b.bin')];
    expect(await Promise.all([saveInChild(dir, refs[0], 11), saveInChild(dir, refs[1], 12)])).toEqual([null, null]);
    const bytes = await weightBytes(await loadModel(dir));
    const winners = await Promise.all(refs.map(async (r) => bytes.equals(await readFile(r))));
    expect(winners.filter(Boolean)).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('two saves in one process at once: the later one, whole; a fresh folder from two saves likewise', async () => {
    for (const dir of [join(root, 'one-process'), join(root, 'one-process-fresh')]) {
      if (dir.endsWith('process')) await oldModel().save(dir);
      const a = oldModel();
      setRandomSeed(99);
      const x = input({ shape: [4] });
      const b = new Model({ inputs: x, outputs: dense({ units: 4, activation: 'tanh' }).apply(dense({ units: 3 }).apply(x)) });
      await Promise.all([a.save(dir), b.save(dir)]);
      const loaded = await loadModel(dir);
      const bytes = await weightBytes(loaded);
      const isA = bytes.equals(await weightBytes(a));
      expect(isA || bytes.equals(await weightBytes(b))).toBe(true);
      expect((loaded.layers.at(-1) as Dense).activation).toBe(isA ? 'sigmoid' : 'tanh');
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    }
  });

  it('a saved folder and its files get the usual permissions (umask), not 0700', async () => {
    const dir = join(root, 'modes', 'model');
    await oldModel().save(dir);
    const umask = process.umask();
    expect((await stat(dir)).mode & 0o777).toBe(0o777 & ~umask);
    for (const f of ['model.json', 'weights.bin']) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o666 & ~umask);
    await oldModel().save(dir);
    for (const f of ['model.json', 'weights.bin']) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o666 & ~umask);
    await expectTrainsCorrectly();
  });
});
