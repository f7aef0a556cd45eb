// Keras's progress line: `875/875 [==============================] - 15s 17ms/step - loss: 0.0061 - val_loss: 0.0058`.
// On a TTY it redraws in place (reading the loss at most once a second, since a read stalls the
// GPU queue); elsewhere (logs, the browser console) it prints one line per epoch.
import type { Logs } from './training.js';

interface Out {
  isTTY?: boolean;
  write(s: string): unknown;
}

const REFRESH_MS = 1000;

export class ProgressBar {
  readonly #out: Out | null;
  #start = 0;
  #lastDraw = 0;
  #loss: number | null = null;

  constructor(
    readonly numBatches: number,
    readonly verbose: 0 | 1 | 2,
  ) {
    // Read through globalThis so that the browser bundle imports nothing from Node.
    const stdout = (globalThis as { process?: { stdout?: Out } }).process?.stdout;
    this.#out = verbose === 0 ? null : (stdout ?? { write: (s: string) => console.log(s.replace(/\n$/, '')) });
  }

  get #live(): boolean {
    return this.verbose === 1 && this.#out?.isTTY === true;
  }

  startEpoch(epoch: number, epochs: number): void {
    this.#start = performance.now();
    this.#lastDraw = this.#start;
    this.#loss = null;
    if (this.verbose === 1) this.#out?.write(`Epoch ${epoch + 1}/${epochs}\n`);
  }

  /** After batch `done`; readLoss is called only when the line is redrawn. */
  async step(done: number, readLoss: () => Promise<Logs>): Promise<void> {
    // An epoch of unknown length (numBatches 0: a data set's first pass) draws no live bar.
    if (!this.#live || !(this.numBatches > 0)) return;
    const now = performance.now();
    if (now - this.#lastDraw < REFRESH_MS && done < this.numBatches) return;
    this.#lastDraw = now;
    this.#loss = (await readLoss()).loss;
    this.#out!.write(`\r${this.#line(done, this.#loss === null ? {} : { loss: this.#loss })}`);
  }

  /** `done`: the batches the epoch had (when it was not known at the start). */
  endEpoch(logs: Logs, done = this.numBatches): void {
    if (!this.#out) return;
    const line = this.#line(done, logs, done);
    this.#out.write(this.#live ? `\r${line}\n` : `${line}\n`);
  }

  #line(done: number, logs: Partial<Logs>, total = this.numBatches): string {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = done >= total ? '='.repeat(width) : `${'='.repeat(Math.max(filled - 1, 0))}>${'.'.repeat(width - Math.max(filled, 1))}`;
    const elapsed = performance.now() - this.#start;
    const perStep = done > 0 ? elapsed / done : 0;
    const time = done >= total ? `${Math.round(elapsed / 1000)}s ${Math.round(perStep)}ms/step` : `ETA: ${Math.round((perStep * (total - done)) / 1000)}s`;
    const metrics = Object.entries(logs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` - ${k}: ${(v as number).toFixed(4)}`)
      .join('');
    const n = String(total);
    return `${String(done).padStart(n.length)}/${n} [${bar}] - ${time}${metrics}`;
  }
}
