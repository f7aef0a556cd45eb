// The browser entry must not reach Node: walk src/index.ts's static import graph and check that no
// module in it imports a Node built-in or the Dawn package.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const NODE_ONLY = new Set([...builtinModules, 'webgpu', 'pngjs', 'jpeg-js']);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]);
}

it("src/index.ts's import graph has no Node built-in, Dawn or Node-only codec", () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (spec.startsWith('node:') || NODE_ONLY.has(spec)) offenders.push(`${file}: ${spec}`);
    }
  };
  visit(join(import.meta.dirname, '../src/index.ts'));
  expect(seen.size).toBeGreaterThan(30);
  expect([...seen].some((f) => f.includes('/src/node/'))).toBe(false);
  expect(offenders).toEqual([]);
});
