// wgslnet as its users get it: `npm pack`, the tarball installed into fresh projects OFFLINE (from
// npm's cache; the development tools a consumer would install — TypeScript, Dawn, Vitest,
// Playwright — are linked from this repository's node_modules), then:
//  - the tarball holds what the package promises (LICENSE, types, the testing entry) and no source
//    maps pointing at sources it does not ship;
//  - every TypeScript example in the README type-checks in a strict consumer project
//    (moduleResolution bundler, node16 and nodenext; noUnusedLocals; skipLibCheck false);
//  - a tiny training runs in Node through the packed package, and without 'webgpu' the error says
//    what to install;
//  - the README's "Testing your models in a browser" setup, copied verbatim, passes in Chromium.
// Needs dist/ (npm test builds it first) and the Debian chromium the browser tests use.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const README = readFile(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; repository?: unknown };
let dir: string;
let tarball: string;
let packedFiles: string[];

function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}, timeout = 120_000) {
  return new Promise<{ code: number; out: string }>((done) =>
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    ),
  );
}

/** The ```ts blocks of the README, in order. */
async function readmeExamples(): Promise<string[]> {
  return [...(await README).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * A fresh project with the packed wgslnet installed by `npm ci --offline` (no network): its lock
 * file takes wgslnet's dependencies' versions and integrity hashes from this repository's lock, so
 * npm needs only the tarballs already in its cache. The given development packages are linked from
 * this repository's node_modules, as if the consumer had installed them.
 */
async function project(name: string, linked: string[]): Promise<string> {
  const cwd = join(dir, name);
  await mkdir(cwd, { recursive: true });
  const own = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: `consumer-${name}`, dependencies: { wgslnet: spec } },
    'node_modules/wgslnet': { version: own.version, resolved: spec, dependencies: own.dependencies, bin: own.bin },
  };
  // wgslnet's dependencies and theirs, at the paths this repository's lock has them (a nested copy
  // under its dependent first, as Node resolves).
  const resolveIn = (from: string, dep: string): string => {
    for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      const path = `${at ? `${at}/` : ''}node_modules/${dep}`;
      if (lock.packages[path]) return path;
      if (!at) throw new Error(`${dep} (needed by ${from || 'wgslnet'}) is not in package-lock.json`);
    }
  };
  const pending: [string, string][] = Object.keys(own.dependencies).map((dep) => ['', dep]);
  for (let next; (next = pending.pop()); ) {
    const path = resolveIn(...next);
    if (packages[path]) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[path];
    packages[path] = entry;
    for (const dep of Object.keys((entry.dependencies as Record<string, string> | undefined) ?? {})) pending.push([path, dep]);
  }
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module', dependencies: { wgslnet: spec } }));
  await writeFile(join(cwd, 'package-lock.json'), JSON.stringify({ name: `consumer-${name}`, lockfileVersion: 3, requires: true, packages }));
  const r = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], cwd);
  expect(r.code, r.out).toBe(0);
  for (const dep of linked) {
    await mkdir(dirname(join(cwd, 'node_modules', dep)), { recursive: true });
    await symlink(join(ROOT, 'node_modules', dep), join(cwd, 'node_modules', dep), 'dir');
  }
  return cwd;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wgslnet-consumer-'));
  // --ignore-scripts: dist/ is already built (npm test builds before vitest); packing must not rebuild it.
  const r = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT);
  expect(r.code, r.out).toBe(0);
  const [info] = JSON.parse(r.out.slice(r.out.indexOf('['), r.out.lastIndexOf(']') + 1)) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, info.filename);
  packedFiles = info.files.map((f) => f.path);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships its licence, types for each entry, the setup script, and no source maps', async () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.d.ts', 'dist/node/index.d.ts', 'dist/node/testing.d.ts', 'dist/node/bin.js', 'scripts/setup-debian.sh']) {
      expect(packedFiles).toContain(f);
    }
    expect(packedFiles.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const js = await Promise.all(packedFiles.filter((f) => f.endsWith('.js')).map((f) => readFile(join(ROOT, f), 'utf8')));
    expect(js.filter((text) => text.includes('sourceMappingURL'))).toEqual([]);
  });

  // No public repository exists yet, so the README links to the published package's own files on
  // jsDelivr (which serves any file of any npm release): they work from the npm page as soon as this
  // version is published, and cannot point at a repository that does not exist.
  it("README links and images point at files this version's tarball ships, so they work from the npm page", async () => {
    expect(pkg).not.toHaveProperty('repository');
    const cdn = `https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/`;
    const targets = [...(await README).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    const packaged = targets.filter((t) => t.startsWith('https://cdn.jsdelivr.net/'));
    expect(packaged.length).toBeGreaterThan(3);
    for (const target of targets) {
      expect(target, `${target}: relative links break on the npm page`).toMatch(/^https:\/\//);
    }
    for (const target of packaged) {
      expect(target, `${target} names another package or version than ${pkg.name}@${pkg.version}`).toMatch(new RegExp(`^${cdn.replace(/[.@/]/g, '\\$&')}`));
      expect(packedFiles, `${target} is not in the tarball`).toContain(target.slice(cdn.length).split('#')[0]);
    }
  });

  it("type-checks every README example, strict, with moduleResolution bundler, node16 and nodenext", async () => {
    const cwd = await project('types', ['typescript', '@types/node', 'vitest', '@vitest/browser-playwright', 'playwright', 'playwright-core', 'vite']);
    const examples = await readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(6);
    // The browser-testing examples import Vitest and Playwright, whose own .d.ts files are not ours
    // to check and take most of tsc's time: they get one bundler run with skipLibCheck. wgslnet's
    // declarations, testing entry included, are checked with skipLibCheck false in every run.
    const isTestSetup = (code: string) => /from '(vitest|playwright)/.test(code);
    const write = (files: [string, string][]) => Promise.all(files.map(([f, code]) => writeFile(join(cwd, f), code)));
    const library = examples.filter((e) => !isTestSetup(e)).map((code, i): [string, string] => [`example${i}.ts`, code]);
    const testing = examples.filter(isTestSetup).map((code, i): [string, string] => [`testing${i}.ts`, code]);
    library.push(['testing-entry.ts', "export { CHROMIUM_WEBGPU_ARGS, chromiumLaunchOptions, launchChromium } from 'wgslnet/testing';\n"]);
    await write([...library, ...testing]);
    // @types/node (checked with skipLibCheck false, it dominates tsc's time) in the nodenext run only.
    const strict = { target: 'ES2022', strict: true, noUnusedLocals: true, noUnusedParameters: true, skipLibCheck: false, noEmit: true, types: [] as string[] };
    const bundler = { ...strict, module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'] };
    const runs: [string, object, string[]][] = [
      ['bundler', bundler, library.map(([f]) => f)],
      ['node16', { ...strict, module: 'node16', moduleResolution: 'node16', lib: ['ES2022'] }, library.map(([f]) => f)],
      ['nodenext', { ...strict, module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node'] }, library.map(([f]) => f)],
      ['testing', { ...bundler, skipLibCheck: true, types: ['node'] }, testing.map(([f]) => f)],
    ];
    const failures: string[] = [];
    for (const [name, compilerOptions, files] of runs) {
      await writeFile(join(cwd, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
      const r = await run(process.execPath, [join(cwd, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${name}.json`], cwd);
      if (r.code !== 0) failures.push(`${name}:\n${r.out.trim()}`);
    }
    expect(failures.join('\n')).toBe('');
    // Under node conditions 'wgslnet' has the Node entry's types (datasets).
    await writeFile(join(cwd, 'node-entry.ts'), "import { datasets } from 'wgslnet';\nconsole.log(typeof datasets.fashionMnist.load);\n");
    await writeFile(join(cwd, 'tsconfig.entry.json'), JSON.stringify({ compilerOptions: runs[2][1], files: ['node-entry.ts'] }));
    const entry = await run(process.execPath, [join(cwd, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.entry.json'], cwd);
    expect(entry.out.trim()).toBe('');
  }, 240_000);

  it('trains in Node through the packed package; without Dawn it says what to install', async () => {
    const cwd = await project('node', ['webgpu']);
    // The README's quick start, as plain JavaScript (type annotations removed).
    const quickStart = (await readmeExamples())[0].replace('const pixels: Float32Array =', 'const pixels =');
    await writeFile(join(cwd, 'train.mjs'), quickStart);
    const r = await run(process.execPath, ['train.mjs'], cwd);
    expect(r.code, r.out).toBe(0);
    const losses = JSON.parse(r.out.match(/\[\s*\d[^\]=]*\]/)![0].replace(/\s+/g, '')) as number[];
    expect(losses).toHaveLength(20);
    // Targets of 0.9 and 0.1 put binary cross-entropy's floor at their entropy, 0.3251 nats: the
    // loss must fall towards it (30 runs here ended at 0.52–0.63 of the first epoch's) but never below.
    expect(losses[19]).toBeLessThan(losses[0] * 0.8);
    expect(losses[19]).toBeGreaterThan(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)) - 1e-4);

    // The installed command keeps Dawn's limit notices ("…artificially reduced…") out of the terminal.
    const selfcheck = await run(join(cwd, 'node_modules/.bin/wgslnet'), ['selfcheck'], cwd);
    expect(selfcheck.code, selfcheck.out).toBe(0);
    expect(selfcheck.out).toMatch(/adapter: /);
    expect(selfcheck.out).not.toMatch(/artificially reduced/);

    const bare = await project('no-dawn', []);
    const missing = await run(process.execPath, ['--input-type=module', '-e', "import { init } from 'wgslnet'; await init();"], bare);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('npm install webgpu');

    // A consumer is told about the setup script where it is: inside node_modules.
    const noAdapter = await run(process.execPath, ['--input-type=module', '-e', "import { init } from 'wgslnet'; await init({ gpu: { requestAdapter: async () => null } });"], cwd);
    expect(noAdapter.out).toMatch(/No WebGPU adapter found.*lavapipe/s);
    expect(noAdapter.out).toContain('bash node_modules/wgslnet/scripts/setup-debian.sh');
  });

  it("runs the README's Vitest browser-mode setup and Playwright example from the tarball", async () => {
    const cwd = await project('browser', ['vitest', '@vitest/browser-playwright', 'playwright', 'playwright-core', 'vite']);
    const examples = await readmeExamples();
    const named = (file: string) => {
      const code = examples.find((e) => e.startsWith(`// ${file}`));
      if (!code) throw new Error(`README has no example starting "// ${file}"`);
      return code;
    };
    await writeFile(join(cwd, 'vitest.config.ts'), named('vitest.config.ts'));
    await writeFile(join(cwd, 'model.test.ts'), named('model.test.ts'));
    const env = { CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' };
    const vitest = join(cwd, 'node_modules/vitest/vitest.mjs');
    const inBrowser = await run(process.execPath, [vitest, 'run', '--api.host=127.0.0.1'], cwd, env, 180_000);
    expect(inBrowser.out).toMatch(/1 passed/);
    expect(inBrowser.code, inBrowser.out).toBe(0);

    // launchChromium() finds Playwright by itself (here 'playwright'; 'playwright-core' works too).
    const launch = await run(process.execPath, ['--input-type=module', '-e', `
      import { launchChromium } from 'wgslnet/testing';
      const browser = await launchChromium();
      const page = await browser.newPage();
      await page.route('https://app.example/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html>' }));
      await page.goto('https://app.example/');
      console.log('adapter', await page.evaluate(async () => (await navigator.gpu.requestAdapter()) !== null));
      await browser.close();`], cwd, env);
    expect(launch.out).toContain('adapter true');

    await writeFile(join(cwd, 'vitest.config.ts'), 'export default {};\n');
    await writeFile(join(cwd, 'app.e2e.test.ts'), named('app.e2e.test.ts'));
    const e2e = await run(process.execPath, [vitest, 'run', 'app.e2e.test.ts'], cwd, env);
    expect(e2e.out).toMatch(/1 passed/);
    expect(e2e.code, e2e.out).toBe(0);
  });
});
