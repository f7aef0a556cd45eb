// Embeds every shaders/*.wgsl file into src/generated/<kernel>.ts, so that the browser bundle and
// Node run the same shader text and nothing reads shader files at run time. The shader is the one
// place a kernel's interface is written: this step reads its `@binding` declarations (storage
// read / read_write, uniform) and the struct of its uniform block, and generates the TS side:
// the binding kinds in order, the storage bindings' names (so an op passes exactly that many
// buffers), and an interface of the uniform fields by name with their byte layout, which
// src/runner.ts packs. An op that names a field the shader lacks, or leaves one out, fails to build.
//
// The one templating step: a line `//!include lib/name.wgsl` is replaced by that file's text
// (shared helpers live in shaders/lib/ and are not kernels). A line map from the inlined text back
// to each .wgsl file and line travels with the code, so compile errors name the real source line.
// Specialisation otherwise goes through WGSL `override` constants, set when the pipeline is made.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'shaders');

/**
 * The file's lines with includes inlined, each as { text, file, line } (line 1-based in file). A lib
 * included again (directly or by another lib) is inlined only the first time, so libs may include
 * what they use.
 */
function expand(file, seen = new Set(), done = new Set()) {
  if (seen.has(file)) throw new Error(`shaders/${file}: include cycle`);
  seen.add(file);
  done.add(file);
  const out = [];
  const lines = readFileSync(join(dir, file), 'utf8').replace(/\n$/, '').split('\n');
  lines.forEach((text, i) => {
    const inc = /^\/\/!include\s+(\S+)\s*$/.exec(text);
    if (!inc) return out.push({ text, file, line: i + 1 });
    if (!existsSync(join(dir, inc[1]))) throw new Error(`shaders/${file}:${i + 1}: included file shaders/${inc[1]} does not exist`);
    if (done.has(inc[1])) return;
    const included = expand(inc[1], new Set(seen), done);
    while (included.length && included[included.length - 1].text.trim() === '') included.pop();
    out.push(...included);
  });
  return out;
}

/** Runs of consecutive lines from one file: [first line of the code (1-based), file, its line there]. */
function lineMap(lines) {
  const runs = [];
  lines.forEach((l, i) => {
    const last = runs[runs.length - 1];
    if (last && last[1] === l.file && last[2] + (i + 1 - last[0]) === l.line) return;
    runs.push([i + 1, l.file, l.line]);
  });
  return runs;
}

/** Code with comments blanked (newlines kept, so offsets still give line numbers). */
function stripComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

// Uniform field types: WGSL's size and alignment (host-shareable layout) and the word type.
const SCALARS = { u32: 'u32', i32: 'i32', f32: 'f32' };
function fieldType(type) {
  const t = type.replace(/\s+/g, '');
  if (SCALARS[t]) return { word: t, count: 1, align: 4 };
  const v = /^vec([234])(?:<(u32|i32|f32)>|([uif]))$/.exec(t);
  if (v) {
    const count = Number(v[1]);
    const word = v[2] ?? { u: 'u32', i: 'i32', f: 'f32' }[v[3]];
    return { word, count, align: count === 2 ? 8 : 16 };
  }
  // Uniform arrays need a 16-byte element stride, so only arrays of vec4 pack without gaps: passed
  // as one flat list of 4·N words (e.g. a shape of up to 8 dimensions as array<vec4u, 2>).
  const a = /^array<(.+),(\d+)>$/.exec(t);
  const element = a && fieldType(a[1]);
  if (!element || element.count !== 4 || element.array) return null;
  return { word: element.word, count: 4 * Number(a[2]), align: 16, array: true };
}

/** Splits a struct body at the commas between fields (not those inside array<T, N>). */
function splitFields(body) {
  const parts = [''];
  let depth = 0;
  for (const ch of body) {
    if (ch === '<') depth++;
    if (ch === '>') depth--;
    if (ch === ',' && depth === 0) parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Bindings and the uniform struct's layout, read from the inlined code. */
function readInterface(name, lines) {
  const code = stripComments(lines.map((l) => l.text).join('\n'));
  const where = (index) => {
    const l = lines[code.slice(0, index).split('\n').length - 1];
    return `shaders/${l.file}:${l.line}`;
  };
  const bindings = [];
  const decl = /((?:@(?:group|binding)\s*\(\s*\d+\s*\)\s*){2})var\s*<\s*([^>]*)>\s*(\w+)\s*:\s*([^;]+);/g;
  for (let m; (m = decl.exec(code)); ) {
    const group = Number(/@group\s*\(\s*(\d+)/.exec(m[1])?.[1]);
    const binding = Number(/@binding\s*\(\s*(\d+)/.exec(m[1])?.[1]);
    const space = m[2].split(',').map((s) => s.trim());
    let kind;
    if (space[0] === 'uniform') kind = 'uniform';
    else if (space[0] === 'storage') kind = space[1] === 'read_write' ? 'write' : space[1] === undefined || space[1] === 'read' ? 'read' : null;
    if (!kind) throw new Error(`${where(m.index)}: unsupported binding address space <${m[2]}>`);
    if (group !== 0) throw new Error(`${where(m.index)}: bindings go in @group(0), got @group(${group})`);
    if (bindings[binding]) throw new Error(`${where(m.index)}: @binding(${binding}) is declared twice`);
    bindings[binding] = { kind, name: m[3], type: m[4].trim(), index: m.index };
  }
  for (let i = 0; i < bindings.length; i++) if (!bindings[i]) throw new Error(`shaders/${name}.wgsl: @binding(${i}) is missing (bindings are numbered 0, 1, ... without gaps)`);
  const uniforms = bindings.filter((b) => b.kind === 'uniform');
  if (uniforms.length > 1) throw new Error(`${where(uniforms[1].index)}: a kernel has at most one uniform block`);
  let block = null;
  if (uniforms.length) {
    const u = uniforms[0];
    const struct = new RegExp(`struct\\s+${u.type}\\s*\\{([^}]*)\\}`).exec(code);
    if (!struct) throw new Error(`${where(u.index)}: uniform type ${u.type} is not a struct declared in the shader or its includes`);
    const fields = [];
    let offset = 0;
    let align = 4;
    for (const part of splitFields(struct[1])) {
      const f = /^(\w+)\s*:\s*(.+)$/.exec(part);
      const t = f && fieldType(f[2]);
      if (!t) throw new Error(`${where(struct.index)}: uniform field '${part}' of ${u.type}: only u32, i32, f32, their vec2/3/4 and arrays of vec4 are supported`);
      offset = Math.ceil(offset / t.align) * t.align;
      fields.push({ name: f[1], word: t.word, count: t.count, offset, array: t.array });
      offset += 4 * t.count;
      align = Math.max(align, t.align);
    }
    block = { struct: u.type, size: Math.ceil(offset / align) * align, fields };
  }
  return { bindings, block };
}

const pascal = (name) => name.replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase());

function generate(f) {
  const name = f.replace(/\.wgsl$/, '');
  const lines = expand(f);
  const { bindings, block } = readInterface(name, lines);
  const code = lines.map((l) => l.text).join('\n') + '\n';
  const storage = bindings.filter((b) => b.kind !== 'uniform').map((b) => b.name);
  const typeName = `${pascal(name)}Uniforms`;
  const fieldTs = (fl) => (fl.array ? 'readonly number[]' : fl.count === 1 ? 'number' : `readonly [${Array(fl.count).fill('number').join(', ')}]`);
  const iface = block
    ? `/** The \`${block.struct}\` uniform block of shaders/${f}, passed by name. */\nexport interface ${typeName} {\n${block.fields.map((fl) => `  ${fl.name}: ${fieldTs(fl)};\n`).join('')}}\n`
    : `/** shaders/${f} has no uniform block. */\nexport type ${typeName} = null;\n`;
  const layout = block ? `{ size: ${block.size}, fields: ${JSON.stringify(block.fields.map((fl) => [fl.name, fl.word, fl.offset, fl.count]))} }` : 'null';
  const header = `// Generated by scripts/embed-shaders.mjs from shaders/${f}. Do not edit.\nimport type { Shader } from '../runner.js';\n\n`;
  return (
    header +
    iface +
    `\nexport const ${name}: Shader<${typeName}, ${JSON.stringify(storage).replace(/,/g, ', ').replace(/^\[/, 'readonly [')}> = {\n` +
    `  name: ${JSON.stringify(name)},\n` +
    `  code: ${JSON.stringify(code)},\n` +
    `  bindings: ${JSON.stringify(bindings.map((b) => b.kind))},\n` +
    `  storage: ${JSON.stringify(storage)},\n` +
    `  uniforms: ${layout},\n` +
    `  sources: ${JSON.stringify(lineMap(lines))},\n` +
    `};\n`
  );
}

/** Regenerates src/generated/<kernel>.ts for each shader that changed; returns the number of kernels. */
export function embedShaders() {
  const kernels = readdirSync(dir).filter((f) => f.endsWith('.wgsl')).sort();
  // One module per kernel (not one table), so that a bundler keeps only the shaders an app runs,
  // and an app that never trains never loads the optimizers' and gradients' WGSL.
  const outDir = join(root, 'src/generated');
  mkdirSync(outDir, { recursive: true });
  const wanted = new Set();
  for (const f of kernels) {
    const name = f.replace(/\.wgsl$/, '');
    wanted.add(`${name}.ts`);
    const out = generate(f);
    const target = join(outDir, `${name}.ts`);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== out) {
      // Write then rename, so a test run starting meanwhile never reads half a file.
      const temp = `${target}.${process.pid}.tmp`;
      writeFileSync(temp, out);
      renameSync(temp, target);
    }
  }
  // A deleted shader's module goes too.
  for (const f of readdirSync(outDir)) if (f.endsWith('.ts') && !wanted.has(f)) rmSync(join(outDir, f));
  return kernels.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`[embed-shaders] ${embedShaders()} kernels -> src/generated/<kernel>.ts`);
}
