// The command line as untrusted input (node dist/node/cli.js, built by npm test before vitest):
// every bad argument is one line naming it, before any work; input files are reported as what
// they are; predict does not overwrite without --force and accepts the model forms users have;
// a failed run leaves the old outputs and no temp files; selfcheck speaks in words.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCli, runCli as run } from './cli_helper.js';
import { PNG } from 'pngjs';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { registerFileHandler } from '../src/node/io.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

let dir: string;
let model: string;

/** An IDX image file of n 28×28 images. */
function idx(n: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(n, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  return Buffer.concat([header, Buffer.alloc(n * 784, 128)]);
}

beforeAll(async () => {
  requireCli();
  await setup();
  registerFileHandler();
  dir = await mkdtemp(join(tmpdir(), 'wgslnet-cli-input-'));
  // A 784 → 8 → 784 autoencoder, saved as a model folder and as the demo's download pair.
  const x = input({ shape: [784] });
  const m = new Model({ inputs: x, outputs: dense({ units: 784, activation: 'sigmoid' }).apply(dense({ units: 8 }).apply(x)) });
  model = join(dir, 'model');
  await m.save(model);
  await writeFile(join(dir, 'ae.json'), (await readFile(join(model, 'model.json'), 'utf8')).replace('"weights.bin"', '"./ae.weights.bin"'));
  await writeFile(join(dir, 'ae.weights.bin'), await readFile(join(model, 'weights.bin')));
  await writeFile(join(dir, 'images.idx'), idx(3));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('arguments', () => {
  const bad: [string, string[], string][] = [
    ['a negative number', ['train', 'shallow', '--epochs', '-3'], "--epochs must be a positive integer, got '-3'"],
    ['a negative --count', ['predict', '--model', 'm', '--input', '.', '--count', '-1'], "--count must be a positive integer, got '-1'"],
    ['zero', ['train', 'shallow', '--batch-size', '0'], "--batch-size must be a positive integer, got '0'"],
    ['a fraction', ['train', 'shallow', '--samples', '2.5'], "--samples must be a positive integer, got '2.5'"],
    ['an empty value', ['train', 'shallow', '--out', ''], '--out needs a value'],
    ['a missing value', ['train', 'shallow', '--epochs'], '--epochs needs a value'],
    ['an unknown option', ['train', 'shallow', '--epoch', '3'], "unknown option '--epoch'; see wgslnet --help"],
    ['a value for a flag', ['predict', '--force=yes'], '--force takes no value'],
    ['an option of another command', ['predict', '--epochs', '3'], '--epochs is not an option of predict; see wgslnet --help'],
    ['an extra argument', ['train', 'shallow', 'sparse'], "unexpected argument 'sparse' after train shallow; see wgslnet --help"],
    ['an argument to selfcheck', ['selfcheck', 'now'], "unexpected argument 'now' after selfcheck; see wgslnet --help"],
    ['an unknown --verbose', ['train', 'shallow', '--verbose', '3'], "--verbose must be 0, 1 or 2, got '3'"],
    ['a non-integer --seed', ['train', 'shallow', '--seed', 'x'], "--seed must be an integer, got 'x'"],
  ];
  it.each(bad)('%s: one line naming it, exit code 1', async (_, args, message) => {
    const r = await run(args);
    expect(r.stderr).toBe(`wgslnet: ${message}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('predict inputs and outputs', () => {
  const file = () => join(dir, 'out.png');

  it('takes a model folder, its model.json, or the demo pair by either file; refuses to overwrite without --force', async () => {
    for (const m of [model, join(model, 'model.json'), join(dir, 'ae.json'), join(dir, 'ae.weights.bin'), join(dir, 'ae')]) {
      await rm(file(), { force: true });
      const r = await run(['predict', '--model', m, '--input', join(dir, 'images.idx'), '--out', file()]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^3 reconstructions → /m);
      expect(PNG.sync.read(await readFile(file())).width).toBeGreaterThan(0);
    }
    const before = await readFile(file());
    const r = await run(['predict', '--model', model, '--input', join(dir, 'images.idx'), '--out', file()]);
    expect(r.stderr).toBe(`wgslnet: --out ${file()} exists; add --force to replace it`);
    expect(await readFile(file())).toEqual(before);
    const forced = await run(['predict', '--model', model, '--input', join(dir, 'images.idx'), '--out', file(), '--force', '--count', '2']);
    expect(forced.stdout).toMatch(/^2 reconstructions → /m);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a missing model names the forms it takes', async () => {
    const r = await run(['predict', '--model', join(dir, 'nope'), '--input', join(dir, 'images.idx')]);
    expect(r.stderr).toBe(`wgslnet: --model ${join(dir, 'nope')} does not exist; give a model folder, a model.json or the demo's name.json (beside name.weights.bin)`);
  });

  it('input files are reported as what they are: truncated gzip, not IDX, an image, truncated IDX', async () => {
    const gz = gzipSync(idx(3));
    const cases: [string, Buffer, (p: string) => string][] = [
      ['cut.gz', gz.subarray(0, gz.length - 30), (p) => `--input ${p}: truncated gzip file (it ends before its compressed data does)`],
      ['text.idx', Buffer.from('hello, these are not images'), (p) => `--input ${p}: not an unsigned-byte IDX file of images or labels: magic 0x68656c6c, expected 0x00000803 (images) or 0x00000801 (labels)`],
      ['photo.idx', PNG.sync.write(new PNG({ width: 2, height: 2 })), (p) => `--input ${p} is a PNG image; predict reads a folder of images (put it in one) or an IDX file`],
      ['short.idx', idx(3).subarray(0, 1000), (p) => `--input ${p}: expected 2368 bytes for images 3×28×28, got 1000 (truncated?)`],
    ];
    for (const [name, bytes, message] of cases) {
      const p = join(dir, name);
      await writeFile(p, bytes);
      const r = await run(['predict', '--model', model, '--input', p, '--out', join(dir, `${name}.png`)]);
      expect(r.stderr).toBe(`wgslnet: ${message(p)}`);
      expect(existsSync(join(dir, `${name}.png`))).toBe(false);
    }
  });

  it('an image folder: broken and truncated files are skipped with the reason; --count stops decoding', async () => {
    const images = join(dir, 'images');
    await mkdir(images);
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(90);
    const bytes = PNG.sync.write(png);
    for (const n of ['a', 'b', 'c']) await writeFile(join(images, `${n}.png`), bytes);
    await writeFile(join(images, '0-cut.png'), bytes.subarray(0, bytes.length - 20));
    const r = await run(['predict', '--model', model, '--input', images, '--out', join(dir, 'folder.png'), '--count', '2']);
    expect(r.stdout).toMatch(/skipped 1 file\(s\): 0-cut\.png \(truncated PNG: the file ends before its image data does\)/);
    expect(r.stdout).toMatch(/^2 reconstructions → /m);
  });
});

describe('train outputs and selfcheck', () => {
  it('a run that fails while writing leaves the old outputs whole and no temp files', async () => {
    const out = join(dir, 'train-out');
    await mkdir(out);
    // history.json cannot be written where a folder of that name stands: the run fails after training.
    await mkdir(join(out, 'history.json'));
    await writeFile(join(out, 'loss.png'), 'old picture');
    const r = await run(['train', 'shallow', '--epochs', '1', '--samples', '64', '--batch-size', '64', '--out', out, '--verbose', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wgslnet: .*history\.json/);
    expect((await readdir(out)).sort()).toEqual(['history.json', 'loss.png']);
    expect(await readFile(join(out, 'loss.png'), 'utf8')).toBe('old picture');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp') || f.includes('wgslnet-output'))).toEqual([]);
  });

  it('selfcheck says what it checked in words, without float32-rounded sums', async () => {
    const r = await run(['selfcheck']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^adapter: /);
    expect(lines[1]).toBe('ok   GPU arithmetic: adding up 1,000,000 ones gives 1,000,000');
    expect(lines[2]).toBe('ok   GPU kernels: relu turns [-1, 2, -3, 4] into [0, 2, 0, 4]');
    expect(lines[3]).toMatch(/^ok {3}training: a small model learning a straight line, loss \d+\.\d{3} → 0\.\d{4}$/);
    expect(lines[4]).toMatch(/^OK: WebGPU works for wgslnet here \(\d+ ms\)$/);
    expect(r.stdout).not.toMatch(/500000489472|sum\(1\.\./);
    await expectTrainsCorrectly();
  });
});
