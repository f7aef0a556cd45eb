// Node-only callbacks: csvLogger writes one CSV row per epoch (Keras's CSVLogger: an `epoch`
// column, then the log keys sorted), flushed each epoch so a crashed run keeps its rows.
import { appendFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Callback } from '../callbacks.js';
import type { Logs } from '../training.js';
import { formatValue } from '../schedules.js';

export interface CsvLoggerArgs {
  separator?: string;
  /** Add to an existing file instead of starting it anew (no second header). */
  append?: boolean;
}

export class CsvLogger extends Callback {
  readonly path: string;
  readonly separator: string;
  readonly append: boolean;
  #keys: string[] | null = null;
  #header = true;

  constructor(filename: string, args: CsvLoggerArgs = {}) {
    super();
    if (typeof filename !== 'string' || filename === '') throw new Error(`csvLogger: filename must be a path or file:// URL, got ${formatValue(filename)}`);
    const { separator = ',', append = false } = args;
    if (typeof separator !== 'string' || separator === '' || /["\n\r]/.test(separator)) throw new Error(`csvLogger: separator must be a non-empty string without quotes or line breaks, got ${formatValue(separator)}`);
    this.path = filename.startsWith('file://') ? fileURLToPath(filename) : filename;
    this.separator = separator;
    this.append = append;
  }

  override async onTrainBegin(): Promise<void> {
    this.#keys = null;
    // Created (or emptied) now, so a bad path fails before the first epoch trains. Appending to a
    // file that has rows already: no second header (Keras's CSVLogger).
    this.#header = !this.append || (await stat(this.path).then((s) => s.size === 0, () => true));
    if (this.append) await appendFile(this.path, '');
    else await writeFile(this.path, '');
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    let text = '';
    if (!this.#keys) {
      this.#keys = Object.keys(logs).sort();
      if (this.#header) text += ['epoch', ...this.#keys].join(this.separator) + '\n';
    }
    text += [epoch, ...this.#keys.map((k) => (logs[k] === undefined ? '' : String(logs[k])))].join(this.separator) + '\n';
    await appendFile(this.path, text);
  }
}

export function csvLogger(filename: string, args?: CsvLoggerArgs): CsvLogger {
  return new CsvLogger(filename, args);
}
