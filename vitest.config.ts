// The same test files run in Node (Dawn on lavapipe) and in headless Chromium (WebGPU on SwiftShader).
// Files named *.node.test.ts use Node-only APIs (files, the CLI) and run in Node only.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { embedShaders } from './scripts/embed-shaders.mjs';
import { chromiumLaunchOptions } from './src/node/testing.js';

// Tests import src/ directly, so the shaders are embedded afresh before every run.
embedShaders();


export default defineConfig({
  test: {
    // Software adapters are slow and use every core: one file at a time, generous timeouts.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          setupFiles: ['test/setup-node.ts'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            api: { host: '127.0.0.1' },
            // The launch options wgslnet/testing ships, with Debian's chromium unless CHROMIUM_PATH names another.
            provider: playwright({ launchOptions: chromiumLaunchOptions({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }) }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
