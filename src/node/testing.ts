// wgslnet/testing: run WebGPU code in headless Chromium on machines without a GPU (CI runners),
// as this repository's own browser tests do. Chromium's WebGPU then runs on SwiftShader, its CPU
// Vulkan implementation. Node-only (it starts a browser), and free of Dawn: importing it loads no GPU.

/**
 * Chromium flags that give WebGPU on SwiftShader, in headless mode and without a GPU, and keep
 * the browser from reaching out to the network (updates, sync, first-run pages).
 */
export const CHROMIUM_WEBGPU_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromiumLaunchOptions {
  /** A Chromium binary; default `$CHROMIUM_PATH`, else Playwright's own Chromium. */
  executablePath?: string;
  /** Flags added after CHROMIUM_WEBGPU_ARGS. */
  args?: string[];
  /** Default true. */
  headless?: boolean;
}

/**
 * Launch options for Playwright's `chromium.launch()`, for Playwright Test's `use.launchOptions`
 * and for Vitest's `playwright({ launchOptions })` provider.
 */
export function chromiumLaunchOptions(options: ChromiumLaunchOptions = {}): {
  executablePath?: string;
  args: string[];
  headless: boolean;
} {
  const executablePath = options.executablePath ?? (process.env.CHROMIUM_PATH || undefined);
  return {
    ...(executablePath ? { executablePath } : {}),
    args: [...CHROMIUM_WEBGPU_ARGS, ...(options.args ?? [])],
    headless: options.headless ?? true,
  };
}

/** Playwright's `chromium` object, as far as launching needs it. */
export interface BrowserTypeLike<B> {
  launch(options: { executablePath?: string; args?: string[]; headless?: boolean }): Promise<B>;
}

/**
 * Starts Chromium with WebGPU on a software adapter through the `browserType` given (e.g.
 * `chromium` from 'playwright'), or else through 'playwright' or 'playwright-core', whichever is
 * installed (both are optional peer dependencies of wgslnet).
 */
export async function launchChromium<B = unknown>(options: ChromiumLaunchOptions & { browserType?: BrowserTypeLike<B> } = {}): Promise<B> {
  const browserType = options.browserType ?? ((await importPlaywright()) as BrowserTypeLike<B>);
  return browserType.launch(chromiumLaunchOptions(options));
}

async function importPlaywright(): Promise<unknown> {
  for (const name of ['playwright', 'playwright-core']) {
    try {
      return ((await import(name)) as { chromium: unknown }).chromium;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !(e as Error).message.includes(`'${name}'`)) throw e;
    }
  }
  throw new Error(
    "launchChromium() needs Playwright: npm install --save-dev playwright (or playwright-core with a Chromium of your own, named by CHROMIUM_PATH or executablePath).",
  );
}
