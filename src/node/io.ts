// 'file://dir' (or a plain path) in Node: dir/model.json + dir/weights.bin, as tfjs-node writes them.
// Loading reads only files inside the model's folder, with size caps (model files are untrusted).
// Saving is atomic as a whole: killed at any point, the folder holds the old model or the new one,
// each loadable (see saveInto). Importing this registers 'file://'.
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { registerIOHandler } from '../io/index.js';
import { budgetedReader, checkManifest, loadLimits, overLimit, parseModelJson, type LoadOptions } from '../io/limits.js';
import { concatBuffers, fromModelJSON, saveResult, toModelJSON, type IOHandler } from '../io/serialization.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * A regular file's bytes, at most `cap` of them: a FIFO (opened without blocking), a device such as
 * /dev/zero or a larger file is refused before anything is read; `over(size)` makes that error.
 * Reads the size found when opened, so a file growing meanwhile cannot push past the cap.
 */
export async function readRegularFile(path: string, shown: string, what: string, cap: number, over: (size: number) => Error): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new Error(`cannot read ${what} '${shown}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${what} '${shown}' is not a regular file`);
    if (info.size > cap) throw over(info.size);
    const bytes = new Uint8Array(info.size);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesRead } = await handle.read(bytes, offset, bytes.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === bytes.length ? bytes : bytes.slice(0, offset);
  } finally {
    await handle.close();
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of weight file `p` listed in `source`, which must lie inside the model's folder
 * `root` (a real path): absolute paths, URLs, '../x' and symbolic links that lead out are refused
 * without touching (or naming) anything outside.
 */
async function weightFileInside(root: string, p: string, source: string, shown: string): Promise<string> {
  const refuse = (how: string) => new Error(`weight path '${p}' in ${source} ${how}; weight files must be in the folder of model.json`);
  if (p.includes('\0') || isAbsolute(p) || /^[a-z][a-z0-9+.-]*:/i.test(p)) throw refuse('is not a relative file name');
  const full = resolve(root, p);
  if (!isInside(root, full)) throw refuse("points outside the model's folder");
  let real: string;
  try {
    real = await realpath(full);
  } catch (e) {
    // A dangling link or a missing file: say which, not where a link points.
    const link = await lstat(full).then((s) => s.isSymbolicLink(), () => false);
    if (link) throw refuse('is a symbolic link that does not lead to a file in the folder');
    throw new Error(`cannot read weight file '${shown}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isInside(root, real)) throw refuse("leads outside the model's folder (a symbolic link)");
  return real;
}

/** Hidden names a save uses inside and beside the model folder; anything so named and not in use is a leftover. */
const STAGED = /^\.wgslnet-saving-\d+-[a-z0-9]+\.bin$/;
const TEMP_FILE = /^\.wgslnet-\d+-[a-z0-9]+\.tmp$/;
const LOCK = '.wgslnet-save.lock';
const LOCK_WAIT_MS = 60_000;

/**
 * Tests set WGSLNET_SAVE_KILL_AT to a step name to have the process killed there (SIGKILL, as an
 * out-of-memory kill or a power cut would), proving each intermediate state loads.
 */
function step(name: string): void {
  if (process.env.WGSLNET_SAVE_KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}

function uniqueId(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Writes a file whole and flushed to disk before it is renamed into place; normal permissions (umask). */
async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether process `pid` still runs (leftovers of a dead one may be removed). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Holds `dir`'s save lock (an O_EXCL file naming its process) while `body` runs, so two saves into
 * one folder, from one process or two, take turns and the last one wins whole. A lock left by a
 * killed process is taken over.
 */
async function withSaveLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK);
  for (const start = Date.now(); ; ) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() - start > LOCK_WAIT_MS) throw new Error(`cannot save to '${dir}': another save into it has been running for over ${LOCK_WAIT_MS / 1000} s (${lock})`);
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Leftovers of killed saves in `dir`: staged shards model.json does not use, and temp files. */
async function removeLeftovers(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    if ((STAGED.test(name) || TEMP_FILE.test(name)) && !keep.has(name)) await rm(join(dir, name), { force: true });
  }
}

/** The weight paths the folder's current model.json uses (none when it has none or is unreadable). */
async function pathsInUse(dir: string): Promise<Set<string>> {
  try {
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as { weightsManifest?: { paths?: unknown[] }[] };
    return new Set((json.weightsManifest ?? []).flatMap((g) => g.paths ?? []).filter((p): p is string => typeof p === 'string'));
  } catch {
    return new Set();
  }
}

/**
 * Replaces the model in existing folder `dir` so that every state a kill can leave loads as the old
 * model or the new one, never a mix: model.json is the commit point (an atomic rename), and it only
 * ever names a weight file that is complete and belongs to it.
 *   1. the new weights go to a staged file (.wgslnet-saving-ID.bin); the old model is untouched;
 *   2. model.json is renamed over, naming the staged file: the new model, complete;
 *   3. a copy of the staged file is renamed over weights.bin (the old model.json no longer uses it);
 *   4. model.json is renamed over again, naming weights.bin; 5. staged and temp files are removed
 *      (this save's, and any a killed save left). Other files in the folder stay. Runs under the folder's save lock.
 */
async function saveInto(dir: string, json: (paths: string[]) => string, weights: Uint8Array): Promise<void> {
  await withSaveLock(dir, async () => {
    await removeLeftovers(dir, await pathsInUse(dir));
    const id = uniqueId();
    const staged = `.wgslnet-saving-${id}.bin`;
    const temp = (n: number) => join(dir, `.wgslnet-${id}${n}.tmp`);
    await writeDurable(join(dir, staged), weights);
    step('weights-staged');
    await writeDurable(temp(1), json([staged]));
    await rename(temp(1), join(dir, MODEL_JSON));
    step('json-names-staged');
    await copyFile(join(dir, staged), temp(2));
    step('weights-copied');
    await rename(temp(2), join(dir, WEIGHTS_BIN));
    step('weights-renamed');
    await writeDurable(temp(3), json([WEIGHTS_BIN]));
    await rename(temp(3), join(dir, MODEL_JSON));
    step('json-final');
    await removeLeftovers(dir, new Set([WEIGHTS_BIN]));
  });
}

/**
 * A new model folder: written whole into a hidden folder beside it, then renamed into place. Hidden
 * folders of killed saves (whose process is gone) are removed first. If the folder appeared
 * meanwhile (a concurrent save), saves into it instead.
 */
async function saveNew(path: string, json: (paths: string[]) => string, weights: Uint8Array): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const prefix = `.${basename(path)}.saving-`;
  for (const name of await readdir(parent)) {
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (name.startsWith(prefix) && !processAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
  const temp = join(parent, `${prefix}${uniqueId()}`);
  // mkdir, not mkdtemp: the folder gets the usual permissions (umask), not 0700.
  await mkdir(temp);
  try {
    await writeDurable(join(temp, WEIGHTS_BIN), weights);
    await writeDurable(join(temp, MODEL_JSON), json([WEIGHTS_BIN]));
    step('new-folder-written');
    try {
      await rename(temp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      await saveInto(path, json, weights);
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** An IOHandler for a model directory ('file://dir', 'dir'); load() also takes the path of a model.json. */
export function fileHandler(url: string, options: LoadOptions = {}): IOHandler {
  const limits = loadLimits(options);
  const path = resolve(url.startsWith('file://') ? url.slice('file://'.length) : url);
  return {
    async save(artifacts) {
      const existing = await stat(path).catch(() => null);
      if (existing && !existing.isDirectory()) throw new Error(`cannot save to '${path}': it is a file; give a directory for model.json and ${WEIGHTS_BIN}`);
      // Everything that can fail while serializing fails here, before the folder is touched.
      const json = (paths: string[]) => JSON.stringify(toModelJSON(artifacts, paths));
      json([WEIGHTS_BIN]);
      const weights = new Uint8Array(concatBuffers(artifacts.weightData ?? []));
      await (existing ? saveInto(path, json, weights) : saveNew(path, json, weights));
      return saveResult(artifacts);
    },
    async load() {
      const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
      const source = `'${jsonPath}'`;
      const text = await readRegularFile(jsonPath, jsonPath, 'model file', limits.maxModelJsonBytes, (n) => overLimit(`model file ${source} has`, n, 'maxModelJsonBytes', limits.maxModelJsonBytes));
      const json = parseModelJson(new TextDecoder().decode(text), source);
      const groupBytes = checkManifest(json, source, limits);
      const folder = dirname(jsonPath);
      const root = await realpath(folder);
      // Every path is vetted before the first file is opened.
      const shown = (p: string) => join(folder, p);
      for (const p of new Set((json.weightsManifest ?? []).flatMap((g) => g.paths))) await weightFileInside(root, p, source, shown(p));
      const read = budgetedReader(json, groupBytes, async (p, cap) =>
        readRegularFile(await weightFileInside(root, p, source, shown(p)), shown(p), 'weight file', cap, (size) =>
          new Error(`weight file '${shown(p)}' has ${size} bytes, more than the ${cap} bytes the manifest leaves for it`),
        ),
      );
      return fromModelJSON(json, source, read, shown);
    },
  };
}

/** Makes 'file://' URLs and plain paths work in model.save() and loadModel(); the Node entry calls it. */
export function registerFileHandler(): void {
  registerIOHandler('file://', fileHandler);
}
