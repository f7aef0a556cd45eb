// Keras's training callbacks (keras.callbacks.*, TF.js's spelling): earlyStopping, modelCheckpoint,
// reduceLROnPlateau, plus the base class they share. They act once per epoch on the logs fit()
// reads then anyway (one readback per epoch), so none of them adds work inside a training step.
// fit() hands each callback the model (setModel) and the keys its logs will have (setParams)
// before training starts, so a monitor naming a key that never comes fails before any GPU work.
// The Node-only csvLogger lives in src/node/callbacks.ts.
import { encoder, flush } from './runner.js';
import type { AnyModel as Model } from './model.js';
import type { Logs } from './training.js';
import { empty, type Tensor } from './tensor.js';
import { formatValue } from './schedules.js';

/** What fit() tells callbacks before training (Keras's callback.params). */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch, when known. */
  steps: number | null;
  /** Every key the epoch logs will have: loss, metrics, then val_ ones with validation. */
  metrics: string[];
}

/** Base class of the built-in callbacks; user callbacks may be plain objects with the same hooks. */
export class Callback {
  model: Model | null = null;
  params: TrainingParams | null = null;

  setModel(model: Model): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: { size: number }): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;

  protected get trainedModel(): Model {
    if (!this.model) throw new Error(`${this.constructor.name}: no model; pass the callback to model.fit({ callbacks })`);
    return this.model;
  }
}

export type Mode = 'auto' | 'min' | 'max';

/** Keras's 'auto': higher is better for accuracies and image-quality scores, lower for losses. */
function higherIsBetter(monitor: string, mode: Mode, who: string): boolean {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${who}: mode must be 'auto', 'min' or 'max', got ${formatValue(mode)}`);
  return mode === 'max' || (mode === 'auto' && /acc|accuracy|psnr|ssim|auc/i.test(monitor));
}

function checkNumber(who: string, option: string, value: unknown, ok: (v: number) => boolean, expected: string): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && ok(value))) throw new Error(`${who}: ${option} must be ${expected}, got ${formatValue(value)}`);
}

/** A callback that watches one log key: checks it exists, reads it, compares it with the best so far. */
abstract class MonitorCallback extends Callback {
  protected readonly higher: boolean;

  constructor(
    protected readonly who: string,
    readonly monitor: string,
    mode: Mode,
  ) {
    super();
    if (typeof monitor !== 'string' || monitor === '') throw new Error(`${who}: monitor must be a log key such as 'val_loss', got ${formatValue(monitor)}`);
    this.higher = higherIsBetter(monitor, mode, who);
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    if (params.metrics.length && !params.metrics.includes(this.monitor)) throw this.#missing(params.metrics);
  }

  protected current(logs: Logs): number {
    const value = logs[this.monitor];
    if (value === undefined) throw this.#missing(Object.keys(logs));
    return value;
  }

  #missing(keys: string[]): Error {
    const hint = this.monitor.startsWith('val_') ? ' (val_ keys need validationData or validationSplit)' : '';
    return new Error(`${this.who}: monitor '${this.monitor}' is not in the training logs, which have ${keys.join(', ')}${hint}`);
  }

  /** Whether `value` beats `reference` by more than `delta` in the monitored direction. */
  protected beats(value: number, reference: number, delta = 0): boolean {
    return this.higher ? value - delta > reference : value + delta < reference;
  }

  protected get worst(): number {
    return this.higher ? -Infinity : Infinity;
  }
}

/** GPU copies of a model's weights (no readback), to put back later. */
class WeightSnapshot {
  readonly #copies: Tensor[];

  constructor(readonly model: Model) {
    this.#copies = model.weights.map((w) => empty(w.value.shape));
    this.take();
  }

  take(): void {
    this.#copy(this.model.weights.map((w) => w.value), this.#copies);
  }

  restore(): void {
    this.#copy(this.#copies, this.model.weights.map((w) => w.value));
  }

  #copy(from: Tensor[], to: Tensor[]): void {
    const e = encoder();
    from.forEach((t, i) => e.copyBufferToBuffer(t.buffer, 0, to[i].buffer, 0, t.buffer.size));
    flush();
  }

  dispose(): void {
    for (const t of this.#copies) t.dispose();
  }
}

export interface EarlyStoppingArgs {
  monitor?: string;
  /** An improvement smaller than this does not count. */
  minDelta?: number;
  /** Epochs without improvement before training stops. */
  patience?: number;
  mode?: Mode;
  /** Training stops if the monitor does not beat this (Keras's baseline). */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch (kept as GPU copies). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching. */
  startFromEpoch?: number;
}

/** Keras 3's EarlyStopping (on_epoch_end / on_train_end), restoring the best weights from GPU copies. */
export class EarlyStopping extends MonitorCallback {
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  #snapshot: WeightSnapshot | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false, startFromEpoch = 0 } = args;
    super('earlyStopping', monitor, mode);
    checkNumber(this.who, 'minDelta', minDelta, () => true, 'a finite number');
    checkNumber(this.who, 'patience', patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber(this.who, 'startFromEpoch', startFromEpoch, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    if (baseline !== undefined) checkNumber(this.who, 'baseline', baseline, () => true, 'a finite number');
    if (typeof restoreBestWeights !== 'boolean') throw new Error(`${this.who}: restoreBestWeights must be true or false, got ${formatValue(restoreBestWeights)}`);
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.startFromEpoch = startFromEpoch;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.worst;
    this.bestEpoch = 0;
    this.#snapshot?.dispose();
    this.#snapshot = null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.current(logs);
    if (epoch < this.startFromEpoch) return;
    const model = this.trainedModel;
    // Keras keeps the first watched epoch's weights even when it does not improve (NaN).
    if (this.restoreBestWeights && !this.#snapshot) this.#snapshot = new WeightSnapshot(model);
    this.wait++;
    if (this.beats(current, this.best, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#snapshot!.take();
      if (this.baseline === undefined || this.beats(current, this.baseline, this.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.#snapshot) {
      this.#snapshot.restore();
      this.#snapshot.dispose();
      this.#snapshot = null;
    }
  }
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** new rate = rate · factor (< 1). */
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number;
}

/** Keras 3's ReduceLROnPlateau: the optimizer's learningRate times factor after `patience` flat epochs. */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    const { monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 } = args;
    super('reduceLROnPlateau', monitor, mode);
    checkNumber(this.who, 'factor', factor, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    checkNumber(this.who, 'patience', patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber(this.who, 'minDelta', minDelta, () => true, 'a finite number');
    checkNumber(this.who, 'cooldown', cooldown, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber(this.who, 'minLr', minLr, (v) => v >= 0, 'a finite number ≥ 0');
    this.factor = factor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  override onTrainBegin(): void {
    const optimizer = this.trainedModel.optimizer;
    if (optimizer && typeof optimizer.learningRate !== 'number') {
      throw new Error(`${this.who}: the optimizer's learningRate is a schedule; a schedule and reduceLROnPlateau would both set the rate`);
    }
    this.best = this.worst;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const current = this.current(logs);
    const optimizer = this.trainedModel.optimizer!;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    // Keras's form here: current < best - minDelta (EarlyStopping's is current + minDelta < best).
    if (this.higher ? current > this.best + this.minDelta : current < this.best - this.minDelta) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= this.patience) {
      const old = optimizer.learningRate as number;
      // Keras compares the float32 rate with the float32 minLr.
      if (Math.fround(old) > Math.fround(this.minLr)) {
        optimizer.learningRate = Math.max(old * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

export interface ModelCheckpointArgs {
  /** Where model.save() writes: 'file://dir' in Node, 'indexeddb://name' in a browser; {epoch} and {key} (e.g. {val_loss:.4f}, {epoch:02d}) are filled in. */
  filepath: string;
  monitor?: string;
  mode?: Mode;
  /** Save only when the monitor beats its best so far. */
  saveBestOnly?: boolean;
}

/** Keras's ModelCheckpoint (save_freq 'epoch'), through model.save(). */
export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  best = Infinity;
  /** The path of the last checkpoint written. */
  lastSaved: string | null = null;

  constructor(args: ModelCheckpointArgs) {
    const { filepath, monitor = 'val_loss', mode = 'auto', saveBestOnly = false } = args ?? ({} as ModelCheckpointArgs);
    super('modelCheckpoint', monitor, mode);
    if (typeof filepath !== 'string' || filepath === '') throw new Error(`${this.who}: filepath must be a non-empty string such as 'file://ckpt' or 'indexeddb://ckpt', got ${formatValue(filepath)}`);
    if (typeof saveBestOnly !== 'boolean') throw new Error(`${this.who}: saveBestOnly must be true or false, got ${formatValue(saveBestOnly)}`);
    this.filepath = filepath;
    this.saveBestOnly = saveBestOnly;
  }

  override setParams(params: TrainingParams): void {
    // Only saveBestOnly reads the monitor (Keras ignores it otherwise).
    if (this.saveBestOnly) super.setParams(params);
    else this.params = params;
    // Placeholders must name log keys (or epoch): checked now, before training.
    for (const [, key] of this.filepath.matchAll(/\{(\w+)(?::[^}]*)?\}/g)) {
      if (key !== 'epoch' && params.metrics.length && !params.metrics.includes(key)) {
        throw new Error(`${this.who}: filepath '${this.filepath}' names {${key}}, which is not in the training logs (${params.metrics.join(', ')})`);
      }
    }
  }

  override onTrainBegin(): void {
    this.best = this.worst;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const current = this.current(logs);
      if (!this.beats(current, this.best)) return;
      this.best = current;
    }
    const path = formatPath(this.filepath, epoch, logs);
    await this.trainedModel.save(path);
    this.lastSaved = path;
  }
}

/** Fills Keras-style placeholders: {epoch} (1-based, as Keras), {epoch:02d}, {val_loss:.4f}. */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, format: string | undefined) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (value === undefined) throw new Error(`modelCheckpoint: filepath placeholder ${whole} names no log key; the logs have ${Object.keys(logs).join(', ')}`);
    const m = format ? /^0?(\d*)(?:\.(\d+))?([df])$/.exec(format) : null;
    if (!m) return String(value);
    const [, width, digits, type] = m;
    const text = type === 'd' ? String(Math.round(value)) : value.toFixed(Number(digits ?? 6));
    return width ? text.padStart(Number(width), format!.startsWith('0') ? '0' : ' ') : text;
  });
}

export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
  reduceLROnPlateau: (args?: ReduceLROnPlateauArgs) => new ReduceLROnPlateau(args),
  modelCheckpoint: (args: ModelCheckpointArgs) => new ModelCheckpoint(args),
};
