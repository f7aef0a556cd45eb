// The demo end to end: builds demo/ with Vite, serves the build with `vite preview` (the data
// plugin included) and drives Chromium through Playwright, WebGPU on SwiftShader. Screenshots
// go to test/artifacts/ (git-ignored) to be looked at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { build, createServer, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../src/node/testing.js';

const ARTIFACTS = resolve('test/artifacts');
const configFile = resolve('demo/vite.config.ts');

let out: string;
let server: PreviewServer;
let browser: Browser;
let base: string;

/** A page that fails the test on any console error or uncaught exception. */
async function open(context: BrowserContext, path = '/'): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(path, base).href);
  return { page, errors };
}

/** Waits for the status line to match, failing early with the page's error message if one shows. */
async function waitForStatus(page: Page, pattern: RegExp, timeout = 90_000): Promise<void> {
  const handle = await page.waitForFunction(
    (source) => {
      const error = document.getElementById('error')!;
      if (!error.hidden) return `error: ${error.textContent}`;
      return new RegExp(source).test(document.getElementById('status')!.textContent!) && 'ok';
    },
    pattern.source,
    { timeout },
  );
  expect(await handle.jsonValue()).toBe('ok');
}

/** The reconstruction grid's pixels, as grey levels per row of images. */
function gridRows(page: Page): Promise<number[][]> {
  return page.evaluate(() => {
    const canvas = document.getElementById('grid') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const rowHeight = 28 + 2;
    const rows: number[][] = [];
    for (let y = 0; y < canvas.height; y++) {
      const r = Math.floor(y / rowHeight);
      if (y % rowHeight >= 28) continue;
      rows[r] ??= [];
      for (let x = 0; x < canvas.width; x++) if (x % 30 < 28) rows[r].push(data[4 * (y * canvas.width + x)]);
    }
    return rows;
  });
}

function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('#adapter[data-state=ready]', { timeout: 60_000 });
  await page.waitForSelector('#train:not([disabled])', { timeout: 60_000 });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  out = mkdtempSync(join(tmpdir(), 'wgslnet-demo-'));
  await build({ configFile, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  server = await preview({ configFile, logLevel: 'warn', build: { outDir: out }, preview: { port: 0, strictPort: false } });
  base = server.resolvedUrls!.local[0];
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:/);
  browser = await chromium.launch(chromiumLaunchOptions({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('demo page', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let trained: number[][];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ({ page, errors } = await open(context));
  });

  afterAll(async () => {
    await context?.close();
  });

  it('shows the adapter; one epoch of shallow on 512 images lowers the loss and draws reconstructions', async () => {
    await ready(page);
    expect(await page.textContent('#adapter')).toMatch(/swiftshader/i);
    await page.selectOption('#example', 'shallow');
    await page.selectOption('#samples', '512');
    await page.fill('#epochs', '1');
    await page.fill('#batch', '16');
    await page.click('#train');
    await waitForStatus(page, /^Done/);

    const metrics = await page.$eval('#metrics', (el) => ({ ...(el as HTMLElement).dataset }));
    expect(Number(metrics.epoch)).toBe(1);
    // Binary cross-entropy of the untrained model is about ln 2; 32 Adadelta steps bring it down.
    expect(Number(metrics.initialValLoss)).toBeGreaterThan(0.6);
    expect(Number(metrics.valLoss)).toBeLessThan(Number(metrics.initialValLoss) - 0.01);
    expect(await page.locator('#chart circle.dot.val').count()).toBe(2);

    trained = await gridRows(page);
    expect(trained).toHaveLength(2);
    // Originals and reconstructions both carry an image, not a flat fill.
    expect(std(trained[0])).toBeGreaterThan(40);
    expect(std(trained[1])).toBeGreaterThan(3);
    // The latent panel has one slider per code unit and a decoded image.
    expect(await page.locator('#sliders input[type=range]').count()).toBe(32);

    await page.screenshot({ path: join(ARTIFACTS, 'demo-laptop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  });

  it('the drawing pad and the latent sliders redraw through the model', async () => {
    const pixels = (id: string) => page.$eval(`#${id}`, (c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data));
    const changes = (id: string, before: number[]) =>
      page.waitForFunction(
        ([id, before]) => (document.getElementById(id) as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data.some((v, i) => v !== before[i]),
        [id, before] as const,
        { timeout: 30_000 },
      );

    const drawn = await pixels('pad-output');
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    const ink = await page.$eval('#pad', (c) => (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 280, 280).data.filter((v, i) => i % 4 === 0 && v > 128).length);
    expect(ink).toBeGreaterThan(1000);
    await changes('pad-output', drawn);

    const decoded = await pixels('latent-output');
    const slider = page.locator('#sliders input').first();
    await slider.fill(await slider.getAttribute('max') as string);
    await changes('latent-output', decoded);
    expect(errors).toEqual([]);
  });

  it('saves to IndexedDB; after a reload, loading it gives the same reconstructions', async () => {
    await page.click('#save-idb');
    await waitForStatus(page, /^Saved in this browser/);
    await page.reload();
    await ready(page);
    await page.selectOption('#example', 'shallow');
    await page.click('#load-idb');
    await waitForStatus(page, /^Loaded/);
    expect(await gridRows(page)).toEqual(trained);
    expect(errors).toEqual([]);
  });

  it('downloads model.json + weights and loads them back from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-download-'));
    try {
      const downloads = new Promise<string[]>((resolveAll) => {
        const files: string[] = [];
        page.on('download', async (d) => {
          const path = join(dir, d.suggestedFilename());
          await d.saveAs(path);
          files.push(path);
          if (files.length === 2) resolveAll(files.sort());
        });
      });
      await page.click('#download');
      const files = await downloads;
      expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['wgslnet-shallow.json', 'wgslnet-shallow.weights.bin']);
      await page.setInputFiles('#load-files', files);
      await waitForStatus(page, /^Loaded wgslnet-shallow/);
      expect(await gridRows(page)).toEqual(trained);
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the embedding example reconstructs an image with the saved model', async () => {
    const embed = await open(context, '/embed/');
    await embed.page.waitForFunction(() => /Reconstructed|Could not/.test(document.getElementById('status')!.textContent!), null, { timeout: 60_000 });
    expect(await embed.page.textContent('#status')).toMatch(/^Reconstructed by 'shallow'/);
    const spread = await embed.page.evaluate(() => {
      const { data } = document.querySelectorAll('canvas')[1].getContext('2d')!.getImageData(0, 0, 28, 28);
      const grey = Array.from({ length: 28 * 28 }, (_, p) => data[4 * p]);
      return Math.max(...grey) - Math.min(...grey);
    });
    expect(spread).toBeGreaterThan(10);
    await embed.page.screenshot({ path: join(ARTIFACTS, 'demo-embed.png') });
    expect(embed.errors).toEqual([]);
  });

  it('stops during training and resumes to the epoch count asked for', async () => {
    await page.selectOption('#samples', '512');
    // Enough epochs that training is still running when the stop click lands (an epoch of 32 small
    // batches takes well under a second in Chromium now).
    await page.fill('#epochs', '40');
    await page.fill('#batch', '16');
    await page.click('#train');
    await page.waitForFunction(() => Number((document.getElementById('metrics') as HTMLElement).dataset.epoch) >= 1, null, { timeout: 60_000 });
    await page.click('#stop');
    await waitForStatus(page, /^Stopped at epoch/);
    const stoppedAt = Number(await page.$eval('#metrics', (el) => (el as HTMLElement).dataset.epoch));
    expect(stoppedAt).toBeGreaterThanOrEqual(1);
    expect(stoppedAt).toBeLessThan(40);
    expect(await page.isEnabled('#resume')).toBe(true);
    await page.click('#resume');
    await waitForStatus(page, /^Done/);
    expect(Number(await page.$eval('#metrics', (el) => (el as HTMLElement).dataset.epoch))).toBeGreaterThanOrEqual(40);
    expect(errors).toEqual([]);
  });
});

describe('demo page without WebGPU', () => {
  for (const [name, script, why] of [
    ['no navigator.gpu', `Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true })`, /navigator\.gpu is missing/],
    ['no adapter', `navigator.gpu.requestAdapter = async () => null`, /no usable GPU adapter/],
  ] as const) {
    it(`says so plainly and names the browsers to use (${name})`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        await context.addInitScript(script);
        const { page, errors } = await open(context);
        await page.waitForSelector('#no-webgpu:not([hidden])', { timeout: 30_000 });
        expect(await page.textContent('#no-webgpu-why')).toMatch(why);
        const notice = await page.textContent('#no-webgpu');
        expect(notice).toMatch(/Chrome or Edge 113/);
        expect(notice).toContain('chrome://flags/#enable-unsafe-webgpu');
        expect(await page.textContent('#adapter')).toBe('No WebGPU');
        expect(await page.isDisabled('#train')).toBe(true);
        if (name === 'no navigator.gpu') await page.screenshot({ path: join(ARTIFACTS, 'demo-no-webgpu.png'), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe('dev server (npm run demo)', () => {
  it('serves the page and the local data sets through the plugin', async () => {
    const dev = await createServer({ configFile, logLevel: 'warn', server: { port: 0 } });
    try {
      await dev.listen();
      const url = dev.resolvedUrls!.local[0];
      const index = await (await fetch(new URL('/data/index.json', url))).json();
      expect(index.fashionMnist).toBe(true);
      const labels = await fetch(new URL('/data/fashion-mnist/t10k-labels-idx1-ubyte.gz', url));
      expect(labels.status).toBe(200);
      expect((await labels.arrayBuffer()).byteLength).toBe(5125);
      // Only the listed files: no path from the URL reaches the file system.
      expect((await fetch(new URL('/data/fashion-mnist/..%2F..%2F..%2Fetc%2Fpasswd', url))).status).toBe(404);
      const context = await browser.newContext();
      try {
        const { page, errors } = await open(context, url);
        await ready(page);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      await dev.close();
    }
  });
});
