// 'file://dir' (or a plain path) in Node: dir/model.json + dir/weights.bin, as tfjs-node writes them.
// A save writes both files into a fresh temp directory beside the target first and only then
// renames them into place (the shard first, model.json last), so a save that fails while
// serializing or writing leaves an existing model's files untouched. Importing this registers 'file://'.
import { constants } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
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
async function readRegularFile(path: string, shown: string, what: string, cap: number, over: (size: number) => Error): Promise<Uint8Array> {
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

/** An IOHandler for a model directory ('file://dir', 'dir'); load() also takes the path of a model.json. */
export function fileHandler(url: string, options: LoadOptions = {}): IOHandler {
  const limits = loadLimits(options);
  const path = resolve(url.startsWith('file://') ? url.slice('file://'.length) : url);
  return {
    async save(artifacts) {
      const existing = await stat(path).catch(() => null);
      if (existing && !existing.isDirectory()) throw new Error(`cannot save to '${path}': it is a file; give a directory for model.json and ${WEIGHTS_BIN}`);
      await mkdir(dirname(path), { recursive: true });
      const temp = await mkdtemp(join(dirname(path), `.${basename(path)}.saving-`));
      try {
        await writeFile(join(temp, MODEL_JSON), JSON.stringify(toModelJSON(artifacts, [WEIGHTS_BIN])));
        await writeFile(join(temp, WEIGHTS_BIN), new Uint8Array(concatBuffers(artifacts.weightData ?? [])));
        if (existing) {
          // Into the existing directory, leaving its other files: two renames, not one atomic step,
          // but both files are complete by now and a rename within one file system has little left to fail on.
          await rename(join(temp, WEIGHTS_BIN), join(path, WEIGHTS_BIN));
          await rename(join(temp, MODEL_JSON), join(path, MODEL_JSON));
        } else {
          await rename(temp, path);
        }
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
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
