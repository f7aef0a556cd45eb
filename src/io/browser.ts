// Browser IOHandlers: 'downloads://name' saves name.json + name.weights.bin as downloads,
// 'indexeddb://name' keeps models in wgslnet's own IndexedDB store, and http(s) or page-relative
// URLs of a model.json load through fetch: weight files only beside the model.json (same origin,
// same folder), every request with a timeout and a byte cap (see limits.ts).
import { concatBuffers, fromModelJSON, saveResult, toModelJSON, type IOHandler, type ModelArtifacts } from './serialization.js';
import { budgetedReader, checkManifest, fetchCapped, loadLimits, overLimit, parseModelJson, type LoadOptions } from './limits.js';

function stripScheme(url: string, scheme: string): string {
  return url.slice(scheme.length);
}

/** Blob URLs stay valid this long after the click: revoking at once can cancel the download. */
const REVOKE_AFTER_MS = 60_000;

function download(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), REVOKE_AFTER_MS);
}

export function downloadsHandler(url: string): IOHandler {
  const name = stripScheme(url, 'downloads://') || 'model';
  return {
    async save(artifacts) {
      if (typeof document === 'undefined') throw new Error(`'${url}': downloads need a browser page (in Node save to 'file://dir')`);
      if (artifacts.format === 'onnx') {
        download(new Blob([artifacts.modelTopology as ArrayBuffer], { type: 'application/octet-stream' }), name);
        return saveResult(artifacts);
      }
      const weightsFile = `${name}.weights.bin`;
      const json = toModelJSON(artifacts, [`./${weightsFile}`]);
      download(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${name}.json`);
      download(new Blob([concatBuffers(artifacts.weightData ?? [])], { type: 'application/octet-stream' }), weightsFile);
      return saveResult(artifacts);
    },
  };
}

const DB_NAME = 'wgslnet';
const STORE = 'models';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  if (typeof indexedDB === 'undefined') throw new Error(`'indexeddb://' needs a browser with IndexedDB`);
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await request(open);
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(use(tx.objectStore(STORE)));
    // A write counts only once its transaction commits.
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

export function indexedDBHandler(url: string): IOHandler {
  const key = stripScheme(url, 'indexeddb://');
  if (!key) throw new Error(`'${url}': give the model a name, e.g. 'indexeddb://my-model'`);
  return {
    async save(artifacts) {
      // One buffer: IndexedDB stores it as is (structured clone).
      await withStore('readwrite', (s) => s.put({ ...artifacts, weightData: concatBuffers(artifacts.weightData ?? []) }, key));
      return saveResult(artifacts);
    },
    async load() {
      const artifacts = await withStore('readonly', (s) => s.get(key) as IDBRequest<ModelArtifacts | undefined>);
      if (!artifacts) throw new Error(`no model '${key}' in IndexedDB (save it first with model.save('${url}'))`);
      return artifacts;
    },
  };
}

/**
 * A weight path of the model.json at `jsonUrl`, as a URL on the same origin under the same folder:
 * an absolute URL to another host, '//host/x', '../x' or an encoded slash is refused (the model
 * file must not make the page fetch from elsewhere).
 */
function weightUrl(path: string, jsonUrl: string, source: string): string {
  const base = new URL(jsonUrl);
  const folder = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1);
  let url: URL | null = null;
  try {
    url = new URL(path, base);
  } catch {
    // Not a URL at all: refused below.
  }
  const inside = url !== null && url.origin === base.origin && url.protocol === base.protocol && !url.username && !url.password &&
    url.pathname.startsWith(folder) && !/%2f|%5c/i.test(url.pathname.slice(folder.length));
  if (!inside) throw new Error(`weight path '${path}' in ${source} is outside the model's folder ${base.origin}${folder}; weight files must be beside model.json`);
  return url!.href;
}

/** Loads the model.json at `url` (absolute, or relative to the page) and its weight files, under the load limits. */
export function httpHandler(url: string, options: LoadOptions = {}): IOHandler {
  const limits = loadLimits(options);
  return {
    async load() {
      let jsonUrl: string;
      try {
        jsonUrl = new URL(url, typeof location === 'undefined' ? undefined : location.href).href;
      } catch {
        throw new Error(`'${url}' is not a URL${typeof location === 'undefined' ? " (to load files in Node, import 'wgslnet/node')" : ''}`);
      }
      const source = `'${jsonUrl}'`;
      const text = await fetchCapped(jsonUrl, 'model', limits.maxModelJsonBytes, limits, (n) => overLimit(`model ${source} has at least`, n, 'maxModelJsonBytes', limits.maxModelJsonBytes));
      const json = parseModelJson(new TextDecoder().decode(text), source);
      const groupBytes = checkManifest(json, source, limits);
      // Every path is vetted before the first request.
      for (const g of json.weightsManifest ?? []) for (const p of g.paths) weightUrl(p, jsonUrl, source);
      const shardUrl = (path: string) => weightUrl(path, jsonUrl, source);
      const read = budgetedReader(json, groupBytes, (path, cap) =>
        fetchCapped(shardUrl(path), 'weight file', cap, limits, (n) => new Error(`weight file '${shardUrl(path)}' has more than the ${cap} bytes the manifest leaves for it (${n} bytes seen)`), (final) => {
          if (final !== shardUrl(path)) weightUrl(final, jsonUrl, source);
        }),
      );
      return fromModelJSON(json, source, read, shardUrl);
    },
  };
}
