// A model file is input from strangers: what loading checks before it reads or allocates anything.
// The model.json is read with a size cap and its weightsManifest checked whole — well-formed
// entries, float32 weights, a total under `maxWeightBytes` — before any weight file is opened;
// each handler then keeps its reads inside the model's folder (or origin and path) and under the
// bytes the manifest declares, and loadModel builds the layers under the same byte budget.
import { specsBytes, type ModelJSON, type WeightsManifestGroup } from './serialization.js';

/** loadModel(source, options): the limits on what a model file may make wgslnet read and allocate. */
export interface LoadOptions {
  /** Most bytes of weights a model may declare, read and have its layers create: 1 GiB by default. */
  maxWeightBytes?: number;
  /** Largest model.json read: 64 MiB by default. */
  maxModelJsonBytes?: number;
  /** Milliseconds each HTTP request may take, body included: 60 s by default. */
  timeoutMs?: number;
}

export const DEFAULT_LOAD_LIMITS: Readonly<Required<LoadOptions>> = { maxWeightBytes: 2 ** 30, maxModelJsonBytes: 64 * 2 ** 20, timeoutMs: 60_000 };

/** The options with defaults filled in; each must be a positive number. */
export function loadLimits(options: LoadOptions = {}): Required<LoadOptions> {
  if (typeof options !== 'object' || options === null) throw new Error(`loadModel: options must be an object, got ${String(options)}`);
  const limits = { ...DEFAULT_LOAD_LIMITS };
  for (const key of Object.keys(DEFAULT_LOAD_LIMITS) as (keyof LoadOptions)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || Number.isNaN(v)) throw new Error(`loadModel: ${key} must be a positive number, got ${JSON.stringify(v) ?? String(v)}`);
    limits[key] = v;
  }
  return limits;
}

/** The error for more bytes than a limit allows, naming the option that raises it. */
export function overLimit(what: string, bytes: number, key: keyof LoadOptions, limit: number): Error {
  return new Error(`${what} ${bytes} bytes, over the limit of ${limit} bytes (loadModel(source, { ${key} }) raises it)`);
}

/**
 * Checks a parsed model.json before any weight file is read: a topology object, a weightsManifest
 * of groups with string paths and float32 weight specs, at most `maxWeightBytes` in all. Returns
 * the bytes each group's files must hold together.
 */
export function checkManifest(json: unknown, source: string, limits: Required<LoadOptions>): number[] {
  const j = json as Partial<ModelJSON> | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error(`${source} is not a layers model.json (it is not a JSON object)`);
  if (typeof j.modelTopology !== 'object' || j.modelTopology === null) throw new Error(`${source} is not a layers model.json (it has no modelTopology)`);
  const groups = j.weightsManifest ?? [];
  if (!Array.isArray(groups)) throw new Error(`${source}: weightsManifest must be a list of { paths, weights } groups`);
  let total = 0;
  const bytes = groups.map((g: WeightsManifestGroup, i) => {
    const where = `${source}: weightsManifest[${i}]`;
    if (typeof g !== 'object' || g === null) throw new Error(`${where} must be a { paths, weights } object`);
    if (!Array.isArray(g.paths) || g.paths.length === 0 || !g.paths.every((p) => typeof p === 'string' && p.length > 0)) {
      throw new Error(`${where}.paths must be a non-empty list of file names`);
    }
    if (!Array.isArray(g.weights)) throw new Error(`${where}.weights must be a list of weight specs`);
    g.weights.forEach((w, k) => {
      if (typeof w !== 'object' || w === null || typeof w.name !== 'string') throw new Error(`${where}.weights[${k}] must have a string name`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new Error(`${where}: weight '${w.name}' has shape ${JSON.stringify(w.shape)}; a shape is a list of non-negative integers`);
      }
      if (w.dtype !== 'float32') throw new Error(`${where}: weight '${w.name}' has dtype ${JSON.stringify(w.dtype)}; wgslnet reads float32 weights only`);
    });
    const n = specsBytes(g.weights);
    total += n;
    if (!(total <= limits.maxWeightBytes)) throw overLimit(`${source} declares weights of at least`, total, 'maxWeightBytes', limits.maxWeightBytes);
    return n;
  });
  return bytes;
}

/**
 * Reads a fetch() body, at most `cap` bytes: more (announced or sent) is an error, so an endless
 * stream stops at the cap. `over` makes that error from the bytes seen.
 */
export async function readCapped(response: Response, cap: number, over: (bytes: number) => Error): Promise<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (announced > cap) {
    await response.body?.cancel().catch(() => {});
    throw over(announced);
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > cap) {
      await reader.cancel().catch(() => {});
      throw over(length);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * GETs `url` under the load limits: the whole request (body included) within `timeoutMs`, at most
 * `cap` body bytes (an endless body stops there). `allowed(finalUrl)` vets where redirects ended up.
 */
export async function fetchCapped(url: string, what: string, cap: number, limits: Required<LoadOptions>, over: (bytes: number) => Error, allowed: (finalUrl: string) => void = () => {}): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const timedOut = () => new Error(`fetching ${what} '${url}' took longer than ${limits.timeoutMs} ms (loadModel(source, { timeoutMs }) changes the limit)`);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (e) {
      throw controller.signal.aborted ? timedOut() : new Error(`fetching ${what} '${url}' failed: ${(e as Error).message}`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`fetching ${what} '${url}' failed: HTTP ${response.status} ${response.statusText}`);
    }
    if (response.url) allowed(response.url);
    try {
      return await readCapped(response, cap, over);
    } catch (e) {
      throw controller.signal.aborted ? timedOut() : e;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Parses model.json text, naming the file when it is not JSON. */
export function parseModelJson(text: string, source: string): ModelJSON {
  try {
    return JSON.parse(text) as ModelJSON;
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * A weight-file reader for one model: files read one at a time (a manifest listing hundreds of
 * paths opens one at a time), each file at most the bytes of the largest group listing it, and all
 * of them together at most what the manifest declares (so a file listed many times stops there).
 * `readFile(path, cap)` must refuse a file over `cap` bytes before reading it.
 */
export function budgetedReader(
  json: ModelJSON,
  groupBytes: readonly number[],
  readFile: (path: string, cap: number) => Promise<Uint8Array>,
): (path: string) => Promise<ArrayBuffer> {
  const capOf = new Map<string, number>();
  json.weightsManifest?.forEach((g, i) => g.paths.forEach((p) => capOf.set(p, Math.max(capOf.get(p) ?? 0, groupBytes[i]))));
  let left = groupBytes.reduce((a, b) => a + b, 0);
  let queue: Promise<unknown> = Promise.resolve();
  return (path) => {
    const next = queue.then(async () => {
      const bytes = await readFile(path, Math.min(capOf.get(path) ?? 0, left));
      left -= bytes.byteLength;
      // Handlers read into buffers of their own: no copy unless the bytes share a larger one.
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
    });
    queue = next.catch(() => {});
    return next;
  };
}
