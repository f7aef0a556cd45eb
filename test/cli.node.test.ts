// The command line as a user runs it (node dist/node/cli.js, built by npm test before vitest):
// a short real training run leaves its pictures, history and model; predict reconstructs with the
// saved model; every bad input gives one clear line and leaves no output behind.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCli, runCli as run } from './cli_helper.js';
import { PNG } from 'pngjs';

let dir: string;

function pngSize(bytes: Buffer): [number, number] {
  const png = PNG.sync.read(bytes);
  return [png.width, png.height];
}

beforeAll(async () => {
  requireCli();
  dir = await mkdtemp(join(tmpdir(), 'wgslnet-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('wgslnet train / predict', () => {
  it('trains the VAE briefly and writes reconstructions, the latent plane and the manifold, History with the KL term', async () => {
    const out = join(dir, 'vae');
    const r = await run(['train', 'vae', '--epochs', '2', '--samples', '600', '--batch-size', '100', '--out', out, '--verbose', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vae: loss [\d.]+ = reconstruction [\d.]+ \+ KL [\d.]+/);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8'));
    expect(Object.keys(history.history).sort()).toEqual(['kl_loss', 'loss', 'reconstruction_loss', 'val_kl_loss', 'val_loss', 'val_reconstruction_loss']);
    expect(history.history.loss[1]).toBeLessThan(history.history.loss[0]);
    expect(pngSize(await readFile(join(out, 'latent.png')))).toEqual([720, 560]);
    // 15 rows of 15 decoded 28×28 images at 2×: square but for the label column.
    const [w, h] = pngSize(await readFile(join(out, 'manifold.png')));
    expect(h).toBeGreaterThan(15 * 56);
    expect(w).toBeGreaterThan(h);
    expect(existsSync(join(out, 'reconstructions.png'))).toBe(true);
  });

  it('trains shallow on 512 Fashion-MNIST images and writes the pictures, history and model; predict uses that model', async () => {
    const out = join(dir, 'shallow');
    const r = await run(['train', 'shallow', '--epochs', '2', '--samples', '512', '--batch-size', '64', '--out', out, '--verbose', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Total params: 50,992/);
    expect(r.stdout).toMatch(/8\/8 \[=+\] - .* - loss: [\d.]+ - val_loss: [\d.]+/);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8'));
    expect(history.params).toBe(50_992);
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.loss[1]).toBeLessThan(history.history.loss[0]);
    expect(history.testLoss).toBeCloseTo(history.history.val_loss[1], 5);
    // 2 rows of 10 images of 28×28 at 2× with a label column: wider than tall, both non-trivial.
    const [w, h] = pngSize(await readFile(join(out, 'reconstructions.png')));
    expect(w).toBeGreaterThan(2 * h);
    expect(pngSize(await readFile(join(out, 'loss.png')))).toEqual([640, 400]);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);

    const images = join(dir, 'images');
    await mkdir(images);
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(200);
    await writeFile(join(images, 'a.png'), PNG.sync.write(png));
    await writeFile(join(images, 'broken.png'), 'not an image');
    const file = join(dir, 'predicted.png');
    const p = await run(['predict', '--model', join(out, 'model'), '--input', images, '--out', file]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/skipped 1 file\(s\): broken\.png/);
    expect(p.stdout).toMatch(/1 reconstructions →/);
    expect(existsSync(file)).toBe(true);
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown example', ['train', 'nope'], {}, /^wgslnet: unknown example 'nope'; choose one of: shallow, sparse/],
    ['--samples larger than the data', ['train', 'shallow', '--samples', '70000'], {}, /^wgslnet: --samples 70000 is larger than the 60000 Fashion-MNIST training images$/],
    ['a bad --epochs', ['train', 'shallow', '--epochs', 'two'], {}, /^wgslnet: --epochs must be a positive integer, got 'two'$/],
    ['an unknown command', ['fly'], {}, /^wgslnet: unknown command 'fly'; see wgslnet --help$/],
    ['predict without a model', ['predict', '--input', '.'], {}, /^wgslnet: predict needs --model DIR and --input PATH$/],
  ];
  it.each(bad)('%s: one line, exit code 1, no output folder', async (_, args, env, message) => {
    const out = join(dir, `bad-${args.join('-')}`);
    const r = await run([...args, '--out', out], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a corrupt data file: names the file, writes nothing', async () => {
    const data = join(dir, 'corrupt');
    await mkdir(data);
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      await writeFile(join(data, f), f.startsWith('train-images') ? 'garbage' : await readFile(join('/usr/share/datasets/fashion-mnist', f)));
    }
    const out = join(dir, 'corrupt-out');
    const r = await run(['train', 'shallow', '--out', out], { WGSLNET_DATA: data });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wgslnet: .*train-images-idx3-ubyte\.gz/);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('predict on an empty folder says so', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const r = await run(['predict', '--model', join(dir, 'shallow', 'model'), '--input', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wgslnet: .*empty/);
  });
});
