// 'onnx://path/model.onnx' in Node: model.save() writes the ONNX file (through a temp file beside
// it, renamed into place, so a failed save leaves an existing file untouched); loadOnnx() reads it
// and resolves external-data files inside the model's folder only (symlinks included).
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { registerIOHandler, type IOHandler, type LoadOptions, type OnnxArtifacts } from '../io/index.js';
import { DEFAULT_LOAD_LIMITS } from '../io/limits.js';
import { saveResult } from '../io/serialization.js';

async function readOrFail(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Bytes an ONNX file may hold beyond its weights (graph, names, attributes). */
const GRAPH_SLACK = 64 * 2 ** 20;

export function onnxFileHandler(url: string, options: LoadOptions = {}): IOHandler {
  const maxBytes = (options.maxWeightBytes ?? DEFAULT_LOAD_LIMITS.maxWeightBytes) + GRAPH_SLACK;
  const path = resolve(url.replace(/^onnx:\/\//i, ''));
  return {
    async save(artifacts) {
      if (artifacts.format !== 'onnx' || !(artifacts.modelTopology instanceof ArrayBuffer)) throw new Error(`'${url}' takes an ONNX file; save the layers format to 'file://dir'`);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.saving-${process.pid}-${Date.now()}`;
      try {
        await writeFile(temp, new Uint8Array(artifacts.modelTopology));
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
      return saveResult(artifacts);
    },
    async load(): Promise<OnnxArtifacts> {
      // Refused before it is read: a file over the weight limit cannot hold a model loadOnnx accepts.
      const size = (await stat(path).catch(() => null))?.size ?? 0;
      if (size > maxBytes) throw new Error(`loadOnnx: '${path}' is ${size} bytes, over the limit of ${maxBytes} bytes (loadOnnx(source, { maxWeightBytes }) raises it)`);
      const bytes = await readOrFail(path, 'ONNX file');
      const folder = dirname(path);
      return {
        format: 'onnx',
        modelTopology: bytes.buffer as ArrayBuffer,
        // The importer has refused absolute and '..' locations already; this also refuses symlinks out.
        async readExternal(location) {
          const file = join(folder, location);
          const real = await realpath(file).catch(() => file);
          if (!inside(await realpath(folder), real)) throw new Error(`loadOnnx: external data '${location}' of '${path}' resolves outside the model's folder`);
          return readOrFail(real, 'external data file');
        },
      };
    },
  };
}

/** Makes 'onnx://' work in model.save() and loadOnnx() (plain paths in loadOnnx too); the Node entry calls it. */
export function registerOnnxHandler(): void {
  registerIOHandler('onnx://', onnxFileHandler);
}
