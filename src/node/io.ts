// 'file://dir' (or a plain path) in Node: dir/model.json + dir/weights.bin, as tfjs-node writes them.
// A save writes both files into a fresh temp directory beside the target first and only then
// renames them into place (the shard first, model.json last), so a save that fails while
// serializing or writing leaves an existing model's files untouched. Importing this registers 'file://'.
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { registerIOHandler } from '../io/index.js';
import { concatBuffers, fromModelJSON, saveResult, toModelJSON, type IOHandler, type ModelJSON } from '../io/serialization.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

async function readOrFail(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** An IOHandler for a model directory ('file://dir', 'dir'); load() also takes the path of a model.json. */
export function fileHandler(url: string): IOHandler {
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
      const text = (await readOrFail(jsonPath, 'model file')).toString('utf8');
      let json: ModelJSON;
      try {
        json = JSON.parse(text) as ModelJSON;
      } catch (e) {
        throw new Error(`'${jsonPath}' is not valid JSON: ${(e as Error).message}`);
      }
      const shardPath = (p: string) => join(dirname(jsonPath), p);
      return fromModelJSON(
        json,
        `'${jsonPath}'`,
        async (p) => {
          const bytes = await readOrFail(shardPath(p), 'weight file');
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        },
        shardPath,
      );
    },
  };
}

/** Makes 'file://' URLs and plain paths work in model.save() and loadModel(); the Node entry calls it. */
export function registerFileHandler(): void {
  registerIOHandler('file://', fileHandler);
}
