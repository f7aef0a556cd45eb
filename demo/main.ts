// The demo page: pick an example, train it on the GPU with a live loss chart and reconstructions,
// stop and resume, save and load, explore the code, draw. Everything comes from the library's
// browser entry (src/index.ts), as an app gets it from the package.
import { adapterName, context, init, sync, take, type HostTensor, type IOHandler, type Logs, type Model, type ModelJSON } from '../src/index.js';
import { LossChart } from './chart.js';
import { available, loadImageSet, noisy, pick, type DataIndex, type ImageSet } from './data.js';
import { DrawPad } from './draw.js';
import { drawGrid, drawImage } from './images.js';
import { LatentPanel } from './latent.js';
import { demoExample, demoExamples, vaeParts, type DemoExample } from './models.js';
import { LatentPlane } from './plane.js';
import { coalesce, interacting, interactionsQuiet, predictHost, predictionsDone } from './util.js';

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
  loadFilesButton: $<HTMLButtonElement>('load-files-button'),
  loadShipped: $<HTMLButtonElement>('load-shipped'),
  defaults: $('defaults'),
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
let data: DataIndex = { fashionMnist: null, photos: 0 };
let session: Session | null = null;
let training = false;
/** Stop pressed: honoured at the next batch, even when pressed before fit() began. */
let stopRequested = false;
let padSample = 0;

const chart = new LossChart(document.getElementById('chart') as unknown as SVGSVGElement);
const plane = new LatentPlane($<HTMLCanvasElement>('plane'), $<HTMLCanvasElement>('plane-output'), $('plane-z'), $('plane-legend'), showError);
const latent = new LatentPanel($('latent'), $('sliders'), $<HTMLCanvasElement>('latent-source'), $<HTMLCanvasElement>('latent-output'), $('latent-note'), showError);
const redrawPad = coalesce(reconstructDrawing, showError);
const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => {
  interacting();
  redrawPad();
});

function showError(e: unknown): void {
  // Said on the page, in words for its reader; the console keeps the details for developers.
  console.warn(e);
  ui.error.textContent = e instanceof Error ? e.message : String(e);
  ui.error.hidden = false;
}

/** Runs an action, showing its error on the page; the status line never keeps a stale "Loading…". */
async function attempt(run: () => Promise<void>): Promise<void> {
  ui.error.hidden = true;
  try {
    await run();
  } catch (e) {
    showError(e);
    status(session ? 'That did not work (see below); the model you had is unchanged.' : 'That did not work: the message below says why.');
  } finally {
    updateButtons();
  }
}

function action(button: HTMLElement, run: () => Promise<void>): void {
  button.addEventListener('click', () => attempt(run));
}

function status(text: string): void {
  ui.status.textContent = text;
}

function selected(): DemoExample {
  return demoExample(ui.example.value);
}

function hasData(e: DemoExample): boolean {
  return e.data === 'photos' ? data.photos > 0 : data.fashionMnist !== null;
}

/** The model on the page belongs to the example selected: Resume and Save act on it. */
function sessionSelected(): boolean {
  return !!session && session.example.id === ui.example.value;
}

function updateButtons(): void {
  const idle = gpuReady && !training;
  const ready = idle && hasData(selected());
  ui.train.disabled = !ready;
  ui.loadIdb.disabled = !ready;
  ui.loadFiles.disabled = ui.loadFilesButton.disabled = !ready;
  ui.loadShipped.hidden = !selected().shipped;
  ui.loadShipped.disabled = !(idle && selected().shipped);
  ui.stop.disabled = !training;
  ui.resume.disabled = !(idle && sessionSelected());
  ui.saveIdb.disabled = ui.download.disabled = !(idle && sessionSelected());
  for (const el of [ui.example, ui.samples, ui.epochs, ui.batch]) el.disabled = !gpuReady || training;
}

function sampleChoices(e: DemoExample): number[] {
  // The photos' test split is a fifth of them.
  if (e.data === 'photos') return [Math.min(200, data.photos), data.photos - Math.round(data.photos * 0.2)];
  const train = data.fashionMnist?.train ?? 60000;
  return [...new Set([512, 2000, 6000, 10000, 60000].map((n) => Math.min(n, train)))];
}

/** Why an example cannot run here, in words for the person at the page. */
function missingData(e: DemoExample): string {
  if (e.data === 'photos') {
    return data.fashionMnist?.slice
      ? 'Not in this build: the photo examples need the 64×64 photo patches, which only the development server (npm run demo) serves.'
      : 'Not on this server: the photo examples need the 64×64 photo patches (whoever runs the server makes them with bash scripts/make-photos.sh).';
  }
  return 'Not on this server: Fashion-MNIST is missing, so there is nothing to train on. You can still load a saved model.';
}

/** Long model descriptions (Conv16→Pool→…) may wrap after each arrow, never inside a word. */
const wrappable = (text: string) => text.replaceAll('→', '→\u200b');

/**
 * Shows the selected example's description and sets the fields to its defaults, saying so. A
 * trained model of another example stays on the page (panels, Resume, Save) only while its own
 * example is selected again; the status line says which model is there.
 */
function onExampleChange(): void {
  const e = selected();
  ui.description.textContent = wrappable(hasData(e) ? e.description : `${e.description}. ${missingData(e)}`);
  const choices = sampleChoices(e);
  ui.samples.replaceChildren(...choices.map((n) => new Option(n.toLocaleString('en-US'), String(n))));
  // A GPU trains all of Fashion-MNIST in seconds per epoch; a software adapter gets a slice.
  const samples = e.data === 'fashion-mnist' && gpuReady && !context().adapter.isSoftware ? 60000 : e.samples;
  ui.samples.value = String(choices.filter((n) => n <= samples).at(-1) ?? choices[0]);
  ui.epochs.value = String(e.epochs);
  ui.batch.value = String(e.batchSize);
  const shipped = e.shipped ? ' Or press “Load a trained one” to explore a model trained beforehand.' : '';
  ui.defaults.textContent = hasData(e) ? `Fields set to this example’s defaults: ${Number(ui.samples.value).toLocaleString('en-US')} images, ${e.epochs} epochs, batch ${e.batchSize}.${shipped}` : '';
  if (session && gpuReady && !training) {
    status(
      sessionSelected()
        ? `The ${session.example.label} model is loaded: Resume trains it further, Train starts afresh.`
        : `The ${session.example.label} model stays until you press Train; select it again to resume or save it.`,
    );
  }
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
  chart.reset(target, lossLabel(s.model, s.example));
  ui.metrics.textContent = '';
  for (const k of ['epoch', 'loss', 'valLoss', 'initialValLoss']) delete ui.metrics.dataset[k];
  setRowLabels(s.example);
  await Promise.all([updateGrid(), showLatent(s), refreshDrawPanel()]);
  return session;
}

/**
 * The latent panel for the session's model: a VAE's 2-D plane to drag a point across, else one
 * slider per code unit (the model cut at its code).
 */
async function showLatent(s: Pick<Session, 'model' | 'set' | 'clean' | 'example'>): Promise<void> {
  const parts = vaeParts(s.model);
  $('latent').classList.toggle('vae', !!parts);
  const { test, testLabels, classes } = s.set;
  await Promise.all([
    latent.setModel(parts ? null : s.model, s.clean, s.set.showcase.length, s.example.image),
    plane.setModel(parts, parts && testLabels && classes ? { images: test.data, labels: testLabels, classes } : null),
  ]);
}

/** Both latent panels follow training (the one not shown has no model and returns at once). */
function refreshLatent(): Promise<unknown> {
  return Promise.all([latent.refresh(), plane.refresh()]);
}

/** The loss's name for the chart's axis. */
function lossLabel(m: Model, e: DemoExample): string {
  if (e.lossName) return e.lossName;
  const names: Record<string, string> = { binaryCrossentropy: 'binary cross-entropy', meanSquaredError: 'mean squared error', mse: 'mean squared error', meanAbsoluteError: 'mean absolute error', mae: 'mean absolute error' };
  const loss = String(m.loss);
  return `loss (${names[loss] ?? loss})`;
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
  let [syncEvery, sinceSync, lastSync] = [1, 0, performance.now()];
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
          // Steps are only encoded here, far faster than the GPU runs them. Waiting for the GPU
          // every few steps keeps about 100 ms of work queued, so a drawing's or a slider's
          // prediction waits for that, not for a queue of seconds-long steps (the conv models on a
          // software adapter); the macrotask turn lets the page handle input and paint.
          if (++sinceSync >= syncEvery) {
            await sync();
            const now = performance.now();
            syncEvery = Math.max(1, Math.min(64, Math.round((100 * sinceSync) / Math.max(1, now - lastSync))));
            [sinceSync, lastSync] = [0, now];
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
          // Someone drawing or dragging has the GPU until they pause; then the panels' last
          // predictions finish before the next step is queued behind them.
          await interactionsQuiet();
          await predictionsDone();
          if (performance.now() - lastGrid > 2000) {
            await Promise.all([updateGrid(), refreshLatent()]);
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
          await Promise.all([updateGrid(), refreshLatent()]);
          lastGrid = performance.now();
        },
      },
    });
  } finally {
    training = false;
    // No "about N s left" once training has ended, stopped or failed.
    ui.timing.textContent = ui.timing.textContent!.replace(/ · about .* left$/, '');
  }
  const stopped = s.epochsDone < s.target - 1e-9;
  const done = +s.epochsDone.toFixed(2);
  const more = positiveInt(ui.epochs, 'Epochs');
  status(stopped ? `Stopped at epoch ${done} of ${s.target}: Resume continues.` : `Done: ${done} epoch${done === 1 ? '' : 's'}. Resume trains ${more} more.`);
  setProgress(Math.min(1, s.epochsDone / s.target));
  // Re-encode with the trained weights: slider ranges and the drawing's reconstruction follow.
  await Promise.all([showLatent(s), refreshDrawPanel()]);
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
    status('Measuring the untrained loss (and the time training will take)…');
    setProgress(0);
    ui.timing.textContent = '';
    // The starting point of both curves: the untrained model's loss.
    const opts = { batchSize: positiveInt(ui.batch, 'Batch size'), scale: SCALE };
    const t0 = performance.now();
    const trainLoss = await model.evaluate(shaped(model, s.x), shaped(model, s.y), opts);
    const t1 = performance.now();
    const valLoss = await model.evaluate(shaped(model, s.validation[0]), shaped(model, s.validation[1]), opts);
    const t2 = performance.now();
    chart.add(0, trainLoss.loss, valLoss.loss);
    showMetrics(0, { loss: trainLoss.loss, val_loss: valLoss.loss });
    ui.metrics.dataset.initialValLoss = String(valLoss.loss);
    // Before the first step, a time estimate from what was just measured on this adapter: a
    // training step costs about three forward passes (forward, input and weight gradients), and
    // the page's waits and redraws about one more.
    const estimate = target * (4 * (t1 - t0) + (t2 - t1));
    ui.timing.dataset.estimateMs = String(Math.round(estimate));
    ui.timing.textContent = `Estimated ${seconds(estimate)} for ${target} epoch${target === 1 ? '' : 's'} on this adapter${estimate > 30_000 ? ': Stop ends it at any time, Resume continues' : ''}.`;
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
      const message = (err as Error).message;
      if (typeof source === 'string' && /no model .* in IndexedDB/i.test(message)) {
        throw new Error(`Nothing is saved in this browser for ${e.label} yet: train it, then press “Save in browser”.`);
      }
      throw new Error(`Could not load ${what} as the ${e.label} model: ${message}. Pick the example the model was trained as, then load it again.`);
    }
    const s = await startSession({ ...prepared, model }, positiveInt(ui.epochs, 'Epochs'));
    setProgress(0);
    ui.timing.textContent = '';
    const val = await model.evaluate(shaped(model, s.validation[0]), shaped(model, s.validation[1]), { batchSize: positiveInt(ui.batch, 'Batch size'), scale: SCALE });
    ui.metrics.textContent = `loaded · val_loss ${val.loss.toFixed(4)}`;
    ui.metrics.dataset.valLoss = String(val.loss);
    // Said once everything is in place (the buttons follow as load() returns).
    status(`Loaded ${what}. Resume trains it further.`);
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
  const seen = performance.now();
  const out = await predictHost(session.model, pad.pixels(), 1, SCALE);
  drawImage(ui.padOutput, out, 0, session.example.image);
  // For the end-to-end test of how fast the pad answers while a model trains: answers counted,
  // and when the drawing last answered was read.
  ui.padOutput.dataset.seen = String(seen);
  ui.padOutput.dataset.answers = String(Number(ui.padOutput.dataset.answers ?? 0) + 1);
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
  onExampleChange();
  const f = data.fashionMnist;
  status(
    !f
      ? 'Fashion-MNIST is not on this server, so there is nothing to train on here; you can still load a saved model.'
      : f.slice
        ? `Ready: press Train. This page carries ${f.train.toLocaleString('en-US')} of Fashion-MNIST’s 60,000 training images.`
        : 'Ready: press Train.',
  );
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
  status(`Saved in this browser: “Load from browser” brings the ${s.example.label} model back, also after a reload.`);
});
action(ui.loadIdb, () => load(storageKey(selected()), 'the model saved in this browser'));
action(ui.loadShipped, () => load(`${import.meta.env.BASE_URL}models/${selected().shipped}/model.json`, 'the trained model shipped with this page'));
action(ui.download, async () => {
  const s = session!;
  await s.model.save(`downloads://wgslnet-${s.example.id}`);
  status(`Downloaded wgslnet-${s.example.id}.json and its .weights.bin.`);
});
// A real button opens the file picker, so that the keyboard reaches it like every other action.
ui.loadFilesButton.addEventListener('click', () => ui.loadFiles.click());
ui.loadFiles.addEventListener('change', () => {
  const files = [...(ui.loadFiles.files ?? [])];
  ui.loadFiles.value = '';
  return attempt(() => load(filesHandler(files), files.map((f) => f.name).join(' + ')));
});
// Leaving mid-training loses the run: the browser asks first.
window.addEventListener('beforeunload', (event) => {
  if (training) event.preventDefault();
});
$('pad-clear').addEventListener('click', () => pad.clear());
$('pad-sample').addEventListener('click', () => {
  if (!session) return;
  const per = 28 * 28;
  const i = padSample++ % session.set.showcase.length;
  pad.setImage(session.clean.subarray(i * per, (i + 1) * per));
});

start().catch(showError);
