#!/usr/bin/env node
// The wgslnet command line. For now: `wgslnet selfcheck` prints the adapter and runs kernels.
import { init, adapterName, release, tensor, sum, activationForward, sync } from './index.js';

async function selfcheck(): Promise<void> {
  const t0 = performance.now();
  const ctx = await init();
  console.log(`adapter: ${adapterName()}${ctx.adapter.isSoftware ? ' (software)' : ''}`);
  console.log(`limits: maxStorageBufferBindingSize ${ctx.limits.maxStorageBufferBindingSize}, maxComputeWorkgroupStorageSize ${ctx.limits.maxComputeWorkgroupStorageSize}`);
  const n = 1_000_000;
  const x = tensor(Float32Array.from({ length: n }, (_, i) => i + 1));
  const total = (await sum(x).data())[0];
  const expected = Math.fround((n * (n + 1)) / 2);
  const relu = await activationForward(tensor([-1, 2, -3, 4]), 'relu').data();
  await sync();
  const ok = total === expected && relu.join(',') === '0,2,0,4';
  console.log(`sum(1..${n}) = ${total} (expected ${expected}); relu([-1,2,-3,4]) = [${relu.join(', ')}]`);
  console.log(`${ok ? 'OK' : 'FAILED'} in ${(performance.now() - t0).toFixed(0)} ms`);
  if (!ok) process.exitCode = 1;
}

const [command = 'selfcheck'] = process.argv.slice(2);
try {
  if (command === 'selfcheck') await selfcheck();
  else {
    console.error(`wgslnet: unknown command '${command}'. Try: wgslnet selfcheck`);
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`wgslnet: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  release();
  // A Dawn instance keeps Node's event loop alive; the CLI is done, so leave.
  process.exit(process.exitCode ?? 0);
}
