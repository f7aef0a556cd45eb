// Browser IOHandlers: 'downloads://name' saves name.json + name.weights.bin as downloads,
// 'indexeddb://name' keeps models in wgslnet's own IndexedDB store, and http(s) or page-relative
// URLs of a model.json load through fetch (the weight files resolved against the model.json URL).
import { concatBuffers, fromModelJSON, saveResult, toModelJSON, type IOHandler, type ModelArtifacts, type ModelJSON } from './serialization.js';

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

async function fetchOk(url: string, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`fetching ${what} '${url}' failed: ${(e as Error).message}`);
  }
  if (!response.ok) throw new Error(`fetching ${what} '${url}' failed: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/** Loads the model.json at `url` (absolute, or relative to the page) and its weight files. */
export function httpHandler(url: string): IOHandler {
  return {
    async load() {
      let jsonUrl: string;
      try {
        jsonUrl = new URL(url, typeof location === 'undefined' ? undefined : location.href).href;
      } catch {
        throw new Error(`'${url}' is not a URL${typeof location === 'undefined' ? " (to load files in Node, import 'wgslnet/node')" : ''}`);
      }
      const json = (await (await fetchOk(jsonUrl, 'model')).json()) as ModelJSON;
      const shardUrl = (path: string) => new URL(path, jsonUrl).href;
      return fromModelJSON(json, `'${jsonUrl}'`, async (path) => (await fetchOk(shardUrl(path), 'weight file')).arrayBuffer(), shardUrl);
    },
  };
}
