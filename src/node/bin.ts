#!/usr/bin/env node
// The `wgslnet` command: runs the CLI (cli.js) in a child process whose stderr passes through a
// filter. Dawn prints "maxDynamic…BuffersPerPipelineLayout artificially reduced…" from native code
// straight to file descriptor 2 whenever an adapter is requested on drivers that report huge limits
// (lavapipe does); Dawn has no toggle for it and JavaScript cannot intercept it in-process. Those
// two lines say nothing to a user, so they are dropped here; every other byte goes through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Dawn's notice that it clamped a limit the driver reported (harmless; see the README). */
export const DAWN_LIMIT_NOTICE = /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;

const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
const child = spawn(process.execPath, [...process.execArgv, cli, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'] });

const NOTICE_START = 'Warning: maxDynamic';
let pending = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk: string) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop()!;
  const kept = lines.filter((line) => !DAWN_LIMIT_NOTICE.test(line));
  if (kept.length) process.stderr.write(kept.map((l) => `${l}\n`).join(''));
  // A partial line that cannot become the notice goes out now (e.g. a prompt without a newline).
  if (pending && !(NOTICE_START.startsWith(pending) || pending.startsWith(NOTICE_START))) {
    process.stderr.write(pending);
    pending = '';
  }
});
child.stderr.on('end', () => {
  if (pending && !DAWN_LIMIT_NOTICE.test(pending)) process.stderr.write(pending);
});
// Ctrl-C reaches the child from the terminal too; the CLI decides what it means.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('close', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exitCode = code ?? 1;
});
