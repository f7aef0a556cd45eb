// The demo page: pick an example, train it on the GPU with a live loss chart and reconstructions,
// stop and resume, save and load, explore the code, draw. Everything comes from the library's
// browser entry (src/index.ts), as an app gets it from the package.
import { adapterName, context, init, sync, take, type HostTensor, type IOHandler, type Logs, type Model, type ModelJSON } from '../src/index.js';
import { LossChart } from './chart.js';
import { available, loadImageSet, noisy, pick, type Available, type ImageSet } from './data.js';
import { DrawPad } from './draw.js';
import { drawGrid, drawImage } from './images.js';
import { LatentPanel } from './latent.js';
import { demoExample, demoExamples, type DemoExample } from './models.js';
import { coalesce, predictHost } from './util.js';

type Bytes = HostTensor & { data: Uint8Array };

/** A model with the data it trains on. */
interface Session {
  example: DemoExample;
  model: Model;
  set: ImageSet;
  x: Bytes;
  y: Bytes;
  validation: [Bytes, Bytes];
  /** Showcase images: clean, and as the model gets them (noisy for the denoiser). */
  clean: Uint8Array;
  inputs: Uint8Array;
  epochsDone: number;
  target: number;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  adapter: $('adapter'),
  example: $<HTMLSelectElement>('example'),
  description: $('description'),
  samples: $<HTMLSelectElement>('samples'),
  epochs: $<HTMLInputElement>('epochs'),
  batch: $<HTMLInputElement>('batch'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  bar: $('bar'),
  status: $('status'),
  timing: $('timing'),
  error: $('error'),
  saveIdb: $<HTMLButtonElement>('save-idb'),
  loadIdb: $<HTMLButtonElement>('load-idb'),
  download: $<HTMLButtonElement>('download'),
  loadFiles: $<HTMLInputElement>('load-files'),
  metrics: $('metrics'),
  grid: $<HTMLCanvasElement>('grid'),
  rowLabels: $('row-labels'),
  captions: $('captions'),
  draw: $('draw'),
  drawNote: $('draw-note'),
  padOutput: $<HTMLCanvasElement>('pad-output'),
};

const SCALE = 1 / 255;
let gpuReady = false;
let data: Available = { fashionMnist: false, photos: 0 };
let session: Session | null = null;
let training = false;
/** Stop pressed: honoured at the next batch, even when pressed before fit() began. */
let stopRequested = false;
let padSample = 0;

const chart = new LossChart(document.getElementById('chart') as unknown as SVGSVGElement);
const latent = new LatentPanel($('latent'), $('sliders'), $<HTMLCanvasElement>('latent-source'), $<HTMLCanvasElement>('latent-output'), $('latent-note'), showError);
const redrawPad = coalesce(reconstructDrawing, showError);
const pad = new DrawPad($<HTMLCanvasElement>('pad'), redrawPad);

function showError(e: unknown): void {
  console.error(e);
  ui.error.textContent = e instanceof Error ? e.message : String(e);
  ui.error.hidden = false;
}

/** Runs a button's action, showing its error on the page. */
function action(button: HTMLElement, run: () => Promise<void>): void {
  button.addEventListener('click', async () => {
    ui.error.hidden = true;
    try {
      await run();
    } catch (e) {
      showError(e);
    } finally {
      updateButtons();
    }
  });
}

function status(text: string): void {
  ui.status.textContent = text;
}

function selected(): DemoExample {
  return demoExample(ui.example.value);
}

function hasData(e: DemoExample): boolean {
  return e.data === 'photos' ? data.photos > 0 : data.fashionMnist;
}

function updateButtons(): void {
  const idle = gpuReady && !training;
  const ready = idle && hasData(selected());
  ui.train.disabled = !ready;
  ui.loadIdb.disabled = !ready;
  ui.loadFiles.disabled = !ready;
  $('load-files-label').classList.toggle('disabled', !ready);
  ui.stop.disabled = !training;
  ui.resume.disabled = !(idle && session);
  ui.saveIdb.disabled = ui.download.disabled = !(idle && session);
  for (const el of [ui.example, ui.samples, ui.epochs, ui.batch]) el.disabled = !gpuReady || training;
}

function sampleChoices(e: DemoExample): number[] {
  // The photos' test split is a fifth of them.
  return e.data === 'photos' ? [Math.min(200, data.photos), data.photos - Math.round(data.photos * 0.2)] : [512, 2000, 10000, 60000];
}

/** Shows the example's description and defaults; the sample count stays unless `resetSamples`. */
function onExampleChange(resetSamples = false): void {
  const e = selected();
  ui.description.textContent = hasData(e) ? e.description : `${e.description}. Not available: ${e.data === 'photos' ? 'no photo patches on this server (make them with bash scripts/make-photos.sh)' : 'Fashion-MNIST is missing on this server'}.`;
  const previous = Number(ui.samples.value);
  const choices = sampleChoices(e);
  ui.samples.replaceChildren(...choices.map((n) => new Option(n.toLocaleString('en-US'), String(n))));
  // All of Fashion-MNIST takes seconds per epoch on a GPU; software adapters get a taste.
  const fashionDefault = gpuReady && !context().adapter.isSoftware ? 60000 : 2000;
  ui.samples.value = String(choices.includes(previous) && !resetSamples ? previous : e.data === 'photos' ? choices.at(-1) : fashionDefault);
  ui.epochs.value = String(Math.min(e.epochs, 10));
  ui.batch.value = String(e.batchSize);
  updateButtons();
}

function positiveInt(input: HTMLInputElement, what: string): number {
  const n = Number(input.value);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`${what} must be a positive whole number, got '${input.value}'`);
  return n;
}

/** The data an example trains on: n training samples, a validation set from the test images, the showcase. */
async function prepare(e: DemoExample, n: number): Promise<Omit<Session, 'model' | 'epochsDone' | 'target'>> {
  status(e.data === 'photos' ? 'Loading the photo patches…' : 'Loading Fashion-MNIST…');
  const set = await loadImageSet(e.data);
  const clean = take(set.train, n) as Bytes;
  const nVal = Math.min(set.test.shape[0], Math.max(256, Math.round(clean.shape[0] / 6)));
  const validation = take(set.test, nVal) as Bytes;
  const shown = pick(set.test, set.showcase);
  // The denoiser learns noisy → clean; its inputs are noisy copies made once, as in the seed.
  const corrupt = (x: Bytes, seed: number) => (e.noise ? noisy(x, e.noise, seed) : x);
  return {
    example: e,
    set,
    x: corrupt(clean, 1),
    y: clean,
    validation: [corrupt(validation, 2), validation],
    clean: shown.data,
    inputs: corrupt(shown, 3).data,
  };
}

/** x and y shaped for the model's input (the dense models take 784-vectors). */
function shaped(m: Model, t: Bytes): Bytes {
  return { data: t.data, shape: [t.shape[0], ...m.inputShape] };
}

async function startSession(s: Omit<Session, 'epochsDone' | 'target'>, target: number): Promise<Session> {
  if (session) session.model.dispose();
  session = { ...s, epochsDone: 0, target };
  chart.reset(target);
  ui.metrics.textContent = '';
  for (const k of ['epoch', 'loss', 'valLoss', 'initialValLoss']) delete ui.metrics.dataset[k];
  setRowLabels(s.example);
  await Promise.all([updateGrid(), latent.setModel(s.model, s.clean, s.set.showcase.length, s.example.image), refreshDrawPanel()]);
  return session;
}

function setRowLabels(e: DemoExample): void {
  const rows = e.noise ? ['original', 'noisy input', 'denoised'] : ['original', 'reconstructed'];
  ui.rowLabels.replaceChildren(...rows.map((r) => Object.assign(document.createElement('span'), { textContent: r })));
  ui.captions.replaceChildren(...session!.set.captions.map((c) => Object.assign(document.createElement('span'), { textContent: c })));
  ui.captions.style.setProperty('--columns', String(session!.set.showcase.length));
}

/** Redraws the reconstruction grid with the model's current weights. */
async function updateGrid(): Promise<void> {
  if (!session) return;
  const { model, clean, inputs, set, example } = session;
  const count = set.showcase.length;
  const out = await predictHost(model, inputs, count, SCALE);
  ui.grid.hidden = false;
  $('grid-empty').hidden = true;
  drawGrid(ui.grid, example.noise ? [clean, inputs, out] : [clean, out], count, example.image);
}

function showMetrics(epoch: number, logs: Logs): void {
  const val = logs.val_loss;
  ui.metrics.textContent = `epoch ${+epoch.toFixed(2)} · loss ${logs.loss.toFixed(4)}${val === undefined ? '' : ` · val_loss ${val.toFixed(4)}`}`;
  ui.metrics.dataset.epoch = String(epoch);
  ui.metrics.dataset.loss = String(logs.loss);
  if (val !== undefined) ui.metrics.dataset.valLoss = String(val);
}

function setProgress(fraction: number): void {
  const pct = Math.round(fraction * 1000) / 10;
  ui.bar.style.width = `${pct}%`;
  ui.bar.parentElement!.setAttribute('aria-valuenow', String(pct));
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

/** Trains the session's model up to its target epoch count (or until Stop). */
async function fitToTarget(s: Session): Promise<void> {
  const { model, example } = s;
  const batchSize = positiveInt(ui.batch, 'Batch size');
  const epochs = Math.ceil(s.target - s.epochsDone - 1e-9);
  const n = s.x.shape[0];
  const batches = Math.ceil(n / batchSize);
  const start = s.epochsDone;
  let epochStart = 0;
  let batchesDone = 0;
  let lastSync = 0;
  let lastGrid = performance.now();
  training = true;
  updateButtons();
  try {
    await model.fit(shaped(model, s.x), shaped(model, s.y), {
      epochs,
      batchSize,
      scale: SCALE,
      verbose: 0,
      validationData: [shaped(model, s.validation[0]), shaped(model, s.validation[1])],
      callbacks: {
        onEpochBegin: (epoch) => {
          epochStart = performance.now();
          batchesDone = 0;
          status(`Epoch ${Math.floor(start) + epoch + 1} of ${s.target} · ${n.toLocaleString('en-US')} ${example.data === 'photos' ? 'photos' : 'images'}`);
        },
        onBatchEnd: async (batch) => {
          batchesDone = batch + 1;
          if (stopRequested) model.stopTraining = true;
          setProgress(Math.min(1, (s.epochsDone + batchesDone / batches) / s.target));
          // Batches are only encoded here; waiting for the GPU now and then keeps the bar honest
          // and gives the page time to paint.
          const now = performance.now();
          if (now - lastSync > 100) {
            await sync();
            lastSync = performance.now();
          }
          if (now - lastGrid > 2000) {
            await updateGrid();
            lastGrid = performance.now();
          }
        },
        onEpochEnd: async (_epoch, logs) => {
          const ms = performance.now() - epochStart;
          s.epochsDone += batchesDone / batches;
          chart.add(s.epochsDone, logs.loss, logs.val_loss);
          showMetrics(s.epochsDone, logs);
          if (batchesDone === batches) {
            const left = Math.max(0, Math.ceil(s.target - s.epochsDone - 1e-9)) * ms;
            ui.timing.textContent = `${seconds(ms)} per epoch · ${Math.round((n / ms) * 1000).toLocaleString('en-US')} samples/s${left ? ` · about ${seconds(left)} left` : ''}`;
          }
          await updateGrid();
          lastGrid = performance.now();
        },
      },
    });
  } finally {
    training = false;
  }
  const stopped = s.epochsDone < s.target - 1e-9;
  const done = +s.epochsDone.toFixed(2);
  const more = positiveInt(ui.epochs, 'Epochs');
  status(stopped ? `Stopped at epoch ${done} of ${s.target}: Resume continues.` : `Done: ${done} epoch${done === 1 ? '' : 's'}. Resume trains ${more} more.`);
  setProgress(Math.min(1, s.epochsDone / s.target));
  // Re-encode with the trained weights: slider ranges and the drawing's reconstruction follow.
  await Promise.all([latent.setModel(model, s.clean, s.set.showcase.length, example.image), refreshDrawPanel()]);
}

async function train(): Promise<void> {
  const e = selected();
  const target = positiveInt(ui.epochs, 'Epochs');
  positiveInt(ui.batch, 'Batch size');
  stopRequested = false;
  training = true;
  updateButtons();
  try {
    const prepared = await prepare(e, Number(ui.samples.value));
    const model = e.build();
    const s = await startSession({ ...prepared, model }, target);
    status('Measuring the untrained loss…');
    setProgress(0);
    ui.timing.textContent = '';
    // The starting point of both curves: the untrained model's loss.
    const opts = { batchSize: positiveInt(ui.batch, 'Batch size'), scale: SCALE };
    const trainLoss = await model.evaluate(shaped(model, s.x), shaped(model, s.y), opts);
    const valLoss = await model.evaluate(shaped(model, s.validation[0]), shaped(model, s.validation[1]), opts);
    chart.add(0, trainLoss.loss, valLoss.loss);
    showMetrics(0, { loss: trainLoss.loss, val_loss: valLoss.loss });
    ui.metrics.dataset.initialValLoss = String(valLoss.loss);
    await fitToTarget(s);
  } finally {
    training = false;
  }
}

async function resume(): Promise<void> {
  const s = session!;
  stopRequested = false;
  if (s.epochsDone >= s.target - 1e-9) {
    s.target = Math.round(s.epochsDone) + positiveInt(ui.epochs, 'Epochs');
    chart.epochs = s.target;
  }
  await fitToTarget(s);
}

const storageKey = (e: DemoExample) => `indexeddb://wgslnet-demo-${e.id}`;

/** Loads saved weights into a fresh model of the selected example. */
async function load(source: string | IOHandler, what: string): Promise<void> {
  const e = selected();
  training = true;
  updateButtons();
  try {
    const prepared = await prepare(e, Number(ui.samples.value));
    const model = e.build();
    try {
      await model.loadWeights(source);
    } catch (err) {
      model.dispose();
      throw err;
    }
    const s = await startSession({ ...prepared, model }, positiveInt(ui.epochs, 'Epochs'));
    status(`Loaded ${what}. Resume trains it further.`);
    setProgress(0);
    ui.timing.textContent = '';
    const val = await model.evaluate(shaped(model, s.validation[0]), shaped(model, s.validation[1]), { batchSize: positiveInt(ui.batch, 'Batch size'), scale: SCALE });
    ui.metrics.textContent = `loaded · val_loss ${val.loss.toFixed(4)}`;
    ui.metrics.dataset.valLoss = String(val.loss);
  } finally {
    training = false;
  }
}

/** model.json and its weight files, as chosen in a file picker. */
function filesHandler(files: File[]): IOHandler {
  return {
    async load() {
      const jsonFile = files.find((f) => f.name.endsWith('.json'));
      if (!jsonFile) throw new Error('choose the model’s .json file together with its .bin weight file');
      const json = JSON.parse(await jsonFile.text()) as ModelJSON;
      const groups = json.weightsManifest ?? [];
      const paths = groups.flatMap((g) => g.paths);
      const buffers = await Promise.all(
        paths.map(async (p) => {
          const name = p.split('/').pop()!;
          const file = files.find((f) => f.name === name);
          if (!file) throw new Error(`${jsonFile.name} needs the weight file '${name}': choose it too`);
          return file.arrayBuffer();
        }),
      );
      return { modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData: buffers };
    },
  };
}

/** The drawing panel works with the 28×28 grey models. */
async function refreshDrawPanel(): Promise<void> {
  const usable = !!session && session.example.image[2] === 1;
  ui.draw.classList.toggle('disabled', !usable);
  ui.drawNote.textContent = usable
    ? 'Draw a piece of clothing (light on dark): the model reconstructs it as you draw.'
    : session
      ? 'Drawing works with the Fashion-MNIST models.'
      : 'Train or load a model, then draw here.';
  if (usable) redrawPad();
}

async function reconstructDrawing(): Promise<void> {
  if (!session || session.example.image[2] !== 1) return;
  const out = await predictHost(session.model, pad.pixels(), 1, SCALE);
  drawImage(ui.padOutput, out, 0, session.example.image);
}

/** Explains, in the page, why there is no WebGPU. */
function noWebGpu(why: string): void {
  $('no-webgpu').hidden = false;
  $('no-webgpu-why').textContent = why;
  ui.adapter.textContent = 'No WebGPU';
  ui.adapter.dataset.state = 'missing';
  status('This page needs WebGPU (see above).');
}

async function start(): Promise<void> {
  for (const e of demoExamples) ui.example.add(new Option(e.label, e.id));
  data = await available();
  for (const option of ui.example.options) {
    if (!hasData(demoExample(option.value))) option.textContent += ' (no data)';
  }
  onExampleChange();
  if (!('gpu' in navigator) || !navigator.gpu) {
    return noWebGpu(
      window.isSecureContext
        ? 'navigator.gpu is missing: this browser has WebGPU turned off or does not have it yet.'
        : `navigator.gpu is missing because ${location.origin} is not a secure context.`,
    );
  }
  try {
    await init();
  } catch (e) {
    return noWebGpu(`WebGPU is there but gave no usable GPU adapter (${(e as Error).message.split('.')[0]}). A blocklisted GPU or driver does this; chrome://gpu tells more.`);
  }
  gpuReady = true;
  ui.adapter.textContent = adapterName();
  ui.adapter.dataset.state = 'ready';
  onExampleChange(true);
  status(data.fashionMnist ? 'Ready: press Train.' : 'Fashion-MNIST is not on this server: see README (WGSLNET_DATA).');
}

ui.example.addEventListener('change', () => onExampleChange());
action(ui.train, train);
ui.stop.addEventListener('click', () => {
  stopRequested = true;
  status('Stopping after this batch…');
});
action(ui.resume, resume);
action(ui.saveIdb, async () => {
  const s = session!;
  await s.model.save(storageKey(s.example));
  status(`Saved in this browser (IndexedDB, ${storageKey(s.example)}).`);
});
action(ui.loadIdb, () => load(storageKey(selected()), `from this browser (${storageKey(selected())})`));
action(ui.download, async () => {
  const s = session!;
  await s.model.save(`downloads://wgslnet-${s.example.id}`);
  status(`Downloaded wgslnet-${s.example.id}.json and its .weights.bin.`);
});
ui.loadFiles.addEventListener('change', async () => {
  const files = [...(ui.loadFiles.files ?? [])];
  ui.loadFiles.value = '';
  ui.error.hidden = true;
  try {
    await load(filesHandler(files), files.map((f) => f.name).join(' + '));
  } catch (e) {
    showError(e);
  } finally {
    updateButtons();
  }
});
$('pad-clear').addEventListener('click', () => pad.clear());
$('pad-sample').addEventListener('click', () => {
  if (!session) return;
  const per = 28 * 28;
  const i = padSample++ % session.set.showcase.length;
  pad.setImage(session.clean.subarray(i * per, (i + 1) * per));
});

start().catch(showError);
