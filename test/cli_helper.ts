// Running the built command line (node dist/node/cli.js) as a user does, for the CLI tests.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI = resolve('dist/node/cli.js');

/** Fails with what to do when dist/ has not been built. */
export function requireCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
}

/** The CLI's exit code, stdout and stderr (Dawn's "Warning:" lines left out). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 240_000 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.split('\n').filter((l) => !/^Warning: /.test(l)).join('\n').trim() }),
    );
  });
}
