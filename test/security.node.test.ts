// A model file reaches only its own files: weight paths stay inside the model's folder (no '../x',
// absolute paths, URLs or symbolic links out, and errors never name or size what lies outside);
// over HTTP they stay on the model's origin under its folder, every request has a timeout and a
// byte cap; names from files ('__proto__', 'constructor', 'toString') are unknown names. After each
// refusal the library still trains a small model correctly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model } from '../src/model.js';
import { input } from '../src/graph.js';
import { dense } from '../src/layers/dense.js';
import { loadModel, type ModelJSON } from '../src/io/index.js';
import { registerFileHandler } from '../src/node/io.js';
import { tensor } from '../src/tensor.js';
import { ACTIVATION_NAMES, activationForward } from '../src/ops/activation.js';
import { makeInitializer } from '../src/initializers.js';
import { setup } from './helpers.js';
import { expectTrainsCorrectly } from './trains.js';

let root: string;
let good: string;
let json: ModelJSON;
let bin: Buffer;

function smallModel(): Model {
  const x = input({ shape: [4] });
  return new Model({ inputs: x, outputs: dense({ units: 4, activation: 'sigmoid' }).apply(dense({ units: 3, activation: 'relu' }).apply(x)) });
}

/** A copy of the good model in `name/`, its manifest listing `paths` (weights.bin is there too). */
async function modelWith(name: string, paths: string[], edit: (j: ModelJSON) => void = () => {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const j = structuredClone(json);
  j.weightsManifest[0].paths = paths;
  edit(j);
  await writeFile(join(dir, 'model.json'), JSON.stringify(j));
  await writeFile(join(dir, 'weights.bin'), bin);
  return dir;
}

beforeAll(async () => {
  await setup();
  registerFileHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-security-'));
  good = join(root, 'good');
  await smallModel().save(good);
  json = JSON.parse(await readFile(join(good, 'model.json'), 'utf8'));
  bin = await readFile(join(good, 'weights.bin'));
  // A file outside every model folder, exactly the size the weights need: it must never be read.
  await writeFile(join(root, 'secret.bin'), new Uint8Array(bin.byteLength).fill(7));
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside', 'weights.bin'), bin);
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('file: weight paths stay inside the model folder', () => {
  const cases: [string, string[], (dir: string) => Promise<void>, (p: string) => string][] = [
    ['../secret.bin of the right size', ['../secret.bin'], async () => {}, () => "points outside the model's folder"],
    ['a deeper ../ path', ['sub/../../secret.bin'], async () => {}, () => "points outside the model's folder"],
    ['an absolute path', ['ABS'], async () => {}, () => 'is not a relative file name'],
    ['a file:// URL', ['file:///etc/passwd'], async () => {}, () => 'is not a relative file name'],
    ['a symbolic link to a file outside', ['link.bin'], (d) => symlink(join(root, 'secret.bin'), join(d, 'link.bin')), () => "leads outside the model's folder (a symbolic link)"],
    ['a file in a linked folder outside', ['sub/weights.bin'], (d) => symlink(join(root, 'outside'), join(d, 'sub')), () => "leads outside the model's folder (a symbolic link)"],
    ['a dangling symbolic link', ['gone.bin'], (d) => symlink(join(root, 'no-such-file'), join(d, 'gone.bin')), () => 'is a symbolic link that does not lead to a file in the folder'],
  ];
  it.each(cases)('%s is refused without naming or sizing the outside file', async (name, paths, prepare, how) => {
    const listed = paths.map((p) => (p === 'ABS' ? join(root, 'secret.bin') : p));
    const dir = await modelWith(name.replace(/\W+/g, '-'), listed);
    await prepare(dir);
    const error = await loadModel(dir).then(() => null, (e: Error) => e);
    expect(error?.message).toBe(`weight path '${listed[0]}' in '${join(dir, 'model.json')}' ${how(listed[0])}; weight files must be in the folder of model.json`);
    if (listed[0] !== join(root, 'secret.bin')) expect(error!.message).not.toContain(join(root, 'secret.bin'));
    expect(error!.message).not.toContain(String(bin.byteLength));
    await expectTrainsCorrectly();
  });

  it('links and sub-folders inside the folder are fine', async () => {
    const dir = await modelWith('inside-links', ['sub/w.bin']);
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'w.bin'), bin);
    await symlink(join(dir, 'real'), join(dir, 'sub'));
    const m = await loadModel(join(dir, 'model.json'));
    expect(Buffer.from(new Float32Array((await m.getWeights()).flatMap((w) => [...w])).buffer)).toEqual(bin);
  });
});

describe('names from files are looked up guardedly', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])("activation '%s' in a model.json is an unknown activation", async (name) => {
    const dir = await modelWith(`activation-${name}`, ['weights.bin'], (j) => {
      ((j.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[1].config).activation = name;
    });
    await expect(loadModel(dir)).rejects.toThrow(new RegExp(`^layer '[a-z_0-9]+' \\(Dense\\): unknown activation '${name}'; expected one of ${ACTIVATION_NAMES.join(', ')}$`));
    await expectTrainsCorrectly();
  });

  it.each(['constructor', '__proto__', 'toString'])("weight dtype '%s' is refused before any file is read", async (dtype) => {
    const dir = await modelWith(`dtype-${dtype}`, ['weights.bin'], (j) => void (j.weightsManifest[0].weights[0].dtype = dtype));
    const name = json.weightsManifest[0].weights[0].name;
    await expect(loadModel(dir)).rejects.toThrow(`'${join(dir, 'model.json')}': weightsManifest[0]: weight '${name}' has dtype "${dtype}"; wgslnet reads float32 weights only`);
  });

  it('the same names given in code: tensor dtypes, activations, initializers', async () => {
    expect(() => tensor([1, 2], [2], 'toString' as never)).toThrow("tensor: dtype 'toString' is not supported; use float32, int32, uint8");
    expect(() => tensor([1, 2], [2], '__proto__' as never)).toThrow("tensor: dtype '__proto__' is not supported; use float32, int32, uint8");
    const t = tensor([-1, 2]);
    expect(() => activationForward(t, 'constructor' as never)).toThrow(`unknown activation 'constructor'; expected one of ${ACTIVATION_NAMES.join(', ')}`);
    t.dispose();
    expect(() => makeInitializer('__proto__' as never)).toThrow("initializer: unknown initializer '__proto__'; expected one of glorotUniform");
    expect(() => makeInitializer({ name: 'randomNormal', stddev: 'wide' as never })).toThrow(`initializer 'randomNormal': stddev must be a finite number, got "wide"`);
    await expectTrainsCorrectly();
  });
});

describe('http: weight paths stay on the model origin and folder; requests are bounded', () => {
  let server: Server;
  let other: Server;
  let base: string;
  let otherBase: string;
  const otherRequests: string[] = [];
  const weightsJson = (paths: string[]) => JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] });

  /** Writes `chunk` until the client goes away: a body without end. */
  function endless(res: import('node:http').ServerResponse): void {
    const chunk = Buffer.alloc(64 * 1024, 32);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  }

  beforeAll(async () => {
    other = createServer((req, res) => {
      otherRequests.push(req.url!);
      res.end(bin);
    });
    server = createServer((req, res) => {
      const url = req.url!;
      const routes: Record<string, () => void> = {
        '/m/model.json': () => res.end(weightsJson(['w.bin'])),
        '/m/w.bin': () => res.end(bin),
        '/other-host/model.json': () => res.end(weightsJson([`${otherBase}/w.bin`])),
        '/protocol-relative/model.json': () => res.end(weightsJson([`//127.0.0.1:${(other.address() as AddressInfo).port}/w.bin`])),
        '/up/model.json': () => res.end(weightsJson(['../m/w.bin'])),
        '/dots/model.json': () => res.end(weightsJson(['%2e%2e/m/w.bin'])),
        '/slash/model.json': () => res.end(weightsJson(['x%2f..%2f..%2fm%2fw.bin'])),
        '/redirect/model.json': () => res.end(weightsJson(['w.bin'])),
        '/redirect/w.bin': () => res.writeHead(302, { location: `${otherBase}/w.bin` }).end(),
        '/hang/model.json': () => {},
        '/endless/model.json': () => endless(res),
        '/endless-weights/model.json': () => res.end(weightsJson(['w.bin'])),
        '/endless-weights/w.bin': () => endless(res),
        '/big-weights/model.json': () => res.end(weightsJson(['w.bin'])),
        '/big-weights/w.bin': () => res.end(Buffer.concat([bin, bin])),
        '/hang-weights/model.json': () => res.end(weightsJson(['w.bin'])),
        '/hang-weights/w.bin': () => res.writeHead(200, { 'content-length': String(bin.byteLength) }).write(bin.subarray(0, 8)),
      };
      (routes[url] ?? (() => res.writeHead(404).end()))();
    });
    for (const s of [server, other]) await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of [server, other]) {
      s.closeAllConnections();
      await new Promise((done) => s.close(done));
    }
  });

  it('a model beside its weights loads', async () => {
    const m = await loadModel(`${base}/m/model.json`, { timeoutMs: 10_000 });
    expect(m.countParams()).toBe(bin.byteLength / 4);
  });

  it.each([
    ['an absolute URL to another host', 'other-host', () => `${otherBase}/w.bin`],
    ['a protocol-relative URL', 'protocol-relative', () => `//127.0.0.1:${(other.address() as AddressInfo).port}/w.bin`],
    ['../ out of the folder', 'up', () => '../m/w.bin'],
    ['encoded dots', 'dots', () => '%2e%2e/m/w.bin'],
    ['encoded slashes', 'slash', () => 'x%2f..%2f..%2fm%2fw.bin'],
  ])('%s is refused before any request', async (_, folder, path) => {
    await expect(loadModel(`${base}/${folder}/model.json`)).rejects.toThrow(
      `weight path '${path()}' in '${base}/${folder}/model.json' is outside the model's folder ${base}/${folder}/; weight files must be beside model.json`,
    );
    expect(otherRequests).toEqual([]);
    await expectTrainsCorrectly();
  });

  it('a weight file redirected to another host is refused', async () => {
    await expect(loadModel(`${base}/redirect/model.json`)).rejects.toThrow(
      `weight path '${otherBase}/w.bin' in '${base}/redirect/model.json' is outside the model's folder ${base}/redirect/`,
    );
  });

  it('a server that never answers: an error after timeoutMs, not a pending promise', async () => {
    await expect(loadModel(`${base}/hang/model.json`, { timeoutMs: 300 })).rejects.toThrow(
      `fetching model '${base}/hang/model.json' took longer than 300 ms (loadModel(source, { timeoutMs }) changes the limit)`,
    );
    await expect(loadModel(`${base}/hang-weights/model.json`, { timeoutMs: 300 })).rejects.toThrow(
      `fetching weight file '${base}/hang-weights/w.bin' took longer than 300 ms`,
    );
    await expectTrainsCorrectly();
  });

  it('an endless body stops at the cap', async () => {
    await expect(loadModel(`${base}/endless/model.json`, { maxModelJsonBytes: 2 ** 20 })).rejects.toThrow(
      new RegExp(`^model '${base}/endless/model.json' has at least \\d+ bytes, over the limit of 1048576 bytes \\(loadModel\\(source, \\{ maxModelJsonBytes \\}\\) raises it\\)$`),
    );
    await expect(loadModel(`${base}/endless-weights/model.json`)).rejects.toThrow(
      new RegExp(`^weight file '${base}/endless-weights/w.bin' has more than the ${bin.byteLength} bytes the manifest leaves for it \\(\\d+ bytes seen\\)$`),
    );
    await expect(loadModel(`${base}/big-weights/model.json`)).rejects.toThrow(
      `weight file '${base}/big-weights/w.bin' has more than the ${bin.byteLength} bytes the manifest leaves for it (${2 * bin.byteLength} bytes seen)`,
    );
    expect(process.memoryUsage().rss).toBeLessThan(2 ** 31);
    await expectTrainsCorrectly();
  });
});
