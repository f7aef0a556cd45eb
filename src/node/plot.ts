// Figures as RGBA pixels for PNG files: a grid of images (reconstructions, denoising) and a line
// chart of losses. Drawn by a small rasterizer with a built-in 5×7 bitmap font, so no canvas or
// native module is needed.
import type { HostTensor } from '../tensor.js';
import type { Image } from './image.js';

type Rgb = readonly [number, number, number];

// Printable ASCII (32..126), 8 rows per glyph (the last for descenders), each row 5 pixels as one
// base-32 digit, most significant bit leftmost.
const FONT =
  '0000000044444040aaa00000aavavaa04fke5u40op248j30cik8lid044400000248884208422248004lel400044v4400' +
  '00000c48000v000000000cc001248g00ehjlphe04c4444e0eh1248v0v2421he026aiv220vgu11he068guhhe0v1248880' +
  'ehhehhe0ehhf12c00cc0cc000cc0c480248g842000v0v00084212480eh124040eh1dlle0ehhvhhh0uhhuhhu0ehggghe0' +
  'sihhhis0vgguggv0vgguggg0ehgnhhf0hhhvhhh0e44444e072222ic0hikokih0ggggggv0hrllhhh0hhpljhh0ehhhhhe0' +
  'uhhuggg0ehhhlid0uhhukih0fgge11u0v4444440hhhhhhe0hhhhha40hhhllla0hha4ahh0hha44440v1248gv0e88888e0' +
  '0g842100e22222e04ah00000000000v08420000000e1fhf0ggmphhu000egghe011djhhf000ehvge0698s888000fhhf1e' +
  'ggmphhh040c444e0206222icggikoki0c44444e000qllhh000mphhh000ehhhe000uhhugg00fhhf1100mpggg000fge1u0' +
  '88s8896000hhhjd000hhha4000hhlla000ha4ah000hhhf1e00v248v0244844204444444084424480008l2000';
const GLYPH_W = 5;
const GLYPH_H = 8;
const ADVANCE = 6;

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [34, 34, 34];
const GRID: Rgb = [225, 225, 225];
const SEPARATOR: Rgb = [128, 128, 128];
const NAN_COLOR: Rgb = [255, 0, 255];
/** Matplotlib's first colours, so train/validation look as they do in Keras tutorials. */
const PALETTE: Rgb[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

function canvas(width: number, height: number, fill: Rgb): Image {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([fill[0], fill[1], fill[2], 255], 4 * p);
  return { data, width, height };
}

/** Mixes `color` into pixel (x, y) with coverage `alpha` in [0, 1]; outside the image does nothing. */
function blend(img: Image, x: number, y: number, color: Rgb, alpha = 1): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || !(alpha > 0)) return;
  const i = 4 * (y * img.width + x);
  const a = Math.min(alpha, 1);
  for (let k = 0; k < 3; k++) img.data[i + k] = Math.round(img.data[i + k] * (1 - a) + color[k] * a);
}

function fillRect(img: Image, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) blend(img, i, j, color);
}

function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * ADVANCE - 1) * scale;
}

/** Draws `text` with its top-left corner at (x, y), each font pixel a scale×scale block; '?' for non-ASCII. */
function drawText(img: Image, text: string, x: number, y: number, color: Rgb, scale = 1): void {
  [...text].forEach((ch, n) => {
    const code = ch.charCodeAt(0);
    const g = (code >= 32 && code <= 126 ? code : 63) - 32;
    for (let row = 0; row < GLYPH_H; row++) {
      const bits = parseInt(FONT[g * GLYPH_H + row], 32);
      for (let col = 0; col < GLYPH_W; col++) {
        if (bits & (1 << (GLYPH_W - 1 - col))) fillRect(img, x + (n * ADVANCE + col) * scale, y + row * scale, scale, scale, color);
      }
    }
  });
}

/** An anti-aliased line of the given width: coverage falls off over one pixel at the edges. */
function drawLine(img: Image, x0: number, y0: number, x1: number, y1: number, color: Rgb, width: number): void {
  const r = width / 2;
  const [dx, dy] = [x1 - x0, y1 - y0];
  const len2 = dx * dx + dy * dy;
  for (let y = Math.floor(Math.min(y0, y1) - r - 1); y <= Math.ceil(Math.max(y0, y1) + r + 1); y++) {
    for (let x = Math.floor(Math.min(x0, x1) - r - 1); x <= Math.ceil(Math.max(x0, x1) + r + 1); x++) {
      const [px, py] = [x + 0.5 - x0, y + 0.5 - y0];
      const t = len2 === 0 ? 0 : Math.min(Math.max((px * dx + py * dy) / len2, 0), 1);
      blend(img, x, y, color, r + 0.5 - Math.hypot(px - t * dx, py - t * dy));
    }
  }
}

/** [0, 1] → 0..255, clipped. */
function toByte(v: number): number {
  return Math.round(255 * Math.min(Math.max(v, 0), 1));
}

/**
 * Images side by side, one row per tensor (e.g. originals above reconstructions; noisy, denoised,
 * clean), with grey separators. Each tensor is N×H×W, N×H×W×1 or N×H×W×3 with values in [0, 1]
 * (clipped; NaN shows magenta); the first `cols` samples are shown, each pixel scale×scale.
 * `labels` (one per row) are written to the left. Returns RGBA pixels for writePng.
 */
export function imageGrid(rows: HostTensor[], { cols, scale, labels }: { cols?: number; scale?: number; labels?: string[] } = {}): Image {
  if (rows.length === 0) throw new Error('imageGrid: no rows');
  const shapes = rows.map((t) => `[${t.shape.join(',')}]`).join(', ');
  const [, h, w] = rows[0].shape;
  for (const t of rows) {
    const channels = t.shape.length === 3 ? 1 : t.shape[3];
    if (!(t.shape.length === 3 || (t.shape.length === 4 && (channels === 1 || channels === 3))) || t.shape[1] !== h || t.shape[2] !== w) {
      throw new Error(`imageGrid: every row must be N×H×W or N×H×W×(1|3) with one H×W, got ${shapes}`);
    }
  }
  if (labels && labels.length !== rows.length) throw new Error(`imageGrid: ${labels.length} labels for ${rows.length} rows`);
  const n = cols ?? Math.min(10, Math.max(...rows.map((t) => t.shape[0])));
  const s = scale ?? Math.max(1, Math.floor(80 / Math.max(h, w)));
  const gap = 2;
  const textScale = s * h >= 48 ? 2 : 1;
  const left = labels ? Math.max(...labels.map((l) => textWidth(l, textScale))) + 2 * gap + 4 : 0;
  const img = canvas(left + n * (w * s + gap) + gap, rows.length * (h * s + gap) + gap, SEPARATOR);
  if (labels) fillRect(img, 0, 0, left, img.height, WHITE);
  rows.forEach((t, row) => {
    const channels = t.shape[3] ?? 1;
    const top = gap + row * (h * s + gap);
    if (labels) drawText(img, labels[row], gap + 2, top + (h * s - GLYPH_H * textScale) / 2, INK, textScale);
    for (let c = 0; c < Math.min(n, t.shape[0]); c++) {
      const x0 = left + gap + c * (w * s + gap);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = ((c * h + y) * w + x) * channels;
          const [r, g, b] = channels === 3 ? [t.data[i], t.data[i + 1], t.data[i + 2]] : [t.data[i], t.data[i], t.data[i]];
          const color: Rgb = [r, g, b].some(Number.isNaN) ? NAN_COLOR : [toByte(r), toByte(g), toByte(b)];
          fillRect(img, x0 + x * s, top + y * s, s, s, color);
        }
      }
    }
  });
  return img;
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
function ticks(lo: number, hi: number, count: number): { values: number[]; step: number } {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  // Each tick from its index (not by adding steps, which drifts: 0.2 × 10 ≠ 2) and rounded.
  const values = [];
  const first = Math.ceil(lo / step);
  for (let k = first; k * step <= hi + step * 1e-9; k++) values.push(Number((k * step).toPrecision(12)));
  return { values, step };
}

function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return decimals > 4 || Math.abs(v) >= 1e6 ? v.toExponential(1) : v.toFixed(decimals);
}

interface Frame {
  /** Data → pixel coordinates. */
  px(x: number): number;
  py(y: number): number;
  top: number;
  right: number;
  /** The x axis's row. */
  bottom: number;
  /** Text scale and line height. */
  ts: number;
  lineH: number;
}

/** Ranges padded by 5% (a flat range by 10% of its value, or 1) so marks do not sit on the frame. */
function padded(values: number[]): [number, number] {
  let [lo, hi] = values.length ? [values.reduce((a, b) => Math.min(a, b)), values.reduce((a, b) => Math.max(a, b))] : [0, 1];
  const pad = hi > lo ? 0.05 * (hi - lo) : Math.abs(lo) * 0.1 || 1;
  [lo, hi] = [lo - pad, hi + pad];
  return [lo, hi];
}

/**
 * A white chart with a title, axes, a grid and tick labels over [xLo, xHi] × [yLo, yHi];
 * `xTick` filters the x ticks (whole epochs only on a loss plot).
 */
function chartFrame(
  width: number,
  height: number,
  { title, xLabel, yLabel = '', x: [x0, x1], y: [lo, hi], xTick = () => true }: { title: string; xLabel: string; yLabel?: string; x: [number, number]; y: [number, number]; xTick?: (v: number) => boolean },
): { img: Image; frame: Frame } {
  const ts = width >= 960 ? 2 : 1;
  const lineH = GLYPH_H * ts;
  const img = canvas(width, height, WHITE);
  const y = ticks(lo, hi, Math.max(2, Math.floor(height / 60)));
  const xt = ticks(x0, x1, Math.max(2, Math.floor(width / 80)));
  const xTicks = xt.values.filter(xTick);
  const yLabels = y.values.map((v) => tickLabel(v, y.step));

  // Plot area, leaving room for the title, tick labels and the axis labels.
  const top = (title ? lineH * 2 + 4 : lineH) + 4;
  const left = Math.max(...yLabels.map((l) => textWidth(l, ts))) + 14 + (yLabel ? lineH + 4 : 0);
  const bottom = height - (2 * lineH + 16);
  const right = width - 16;
  const px = (e: number) => left + ((e - x0) / (x1 - x0)) * (right - left);
  const py = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);

  if (title) drawText(img, title, Math.round((width - textWidth(title, ts + 1)) / 2), 4, INK, ts + 1);
  y.values.forEach((v, i) => {
    const yy = Math.round(py(v));
    fillRect(img, left, yy, right - left, 1, GRID);
    fillRect(img, left - 4, yy, 4, 1, INK);
    drawText(img, yLabels[i], left - 7 - textWidth(yLabels[i], ts), yy - Math.floor(lineH / 2) + 1, INK, ts);
  });
  for (const e of xTicks) {
    const xx = Math.round(px(e));
    const label = Number.isInteger(e) ? String(e) : tickLabel(e, xt.step);
    fillRect(img, xx, top, 1, bottom - top, GRID);
    fillRect(img, xx, bottom, 1, 4, INK);
    drawText(img, label, xx - Math.floor(textWidth(label, ts) / 2), bottom + 7, INK, ts);
  }
  fillRect(img, left, top, 1, bottom - top + 1, INK);
  fillRect(img, left, bottom, right - left + 1, 1, INK);
  drawText(img, xLabel, Math.round((left + right - textWidth(xLabel, ts)) / 2), bottom + 11 + lineH, INK, ts);
  // The y label, written downwards a letter per line would be unreadable: it goes above the axis instead.
  if (yLabel) drawText(img, yLabel, 4, top - lineH - 2, INK, ts);
  return { img, frame: { px, py, top, right, bottom, ts, lineH } };
}

/** A legend box at the top right of the plot: a mark per entry (line or dot) and its name. */
function legend(img: Image, { top, right, ts, lineH }: Frame, entries: { name: string; color: Rgb }[], mark: 'line' | 'dot'): void {
  if (entries.length === 0) return;
  const boxW = Math.max(...entries.map((e) => textWidth(e.name, ts))) + 36;
  const boxH = entries.length * (lineH + 6) + 6;
  const bx = right - boxW - 8;
  fillRect(img, bx - 1, top + 7, boxW + 2, boxH + 2, GRID);
  fillRect(img, bx, top + 8, boxW, boxH, WHITE);
  entries.forEach((e, k) => {
    const ly = top + 14 + k * (lineH + 6);
    if (mark === 'line') drawLine(img, bx + 6, ly + lineH / 2, bx + 24, ly + lineH / 2, e.color, 2 * ts);
    else drawLine(img, bx + 15, ly + lineH / 2, bx + 15, ly + lineH / 2, e.color, 6 * ts);
    drawText(img, e.name, bx + 30, ly, INK, ts);
  });
}

/**
 * A line chart of per-epoch values (e.g. loss and val_loss), x = epoch 1..n, with axes, tick
 * labels, a grid, a legend and a title. Non-finite values are left out (the line breaks there).
 * Returns RGBA pixels for writePng.
 */
export function lossPlot(
  series: { name: string; values: number[] }[],
  { title = '', width = 640, height = 400, xLabel = 'epoch' }: { title?: string; width?: number; height?: number; xLabel?: string } = {},
): Image {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 160 && height >= 120)) throw new Error(`lossPlot: size ${width}×${height} must be integers of at least 160×120`);
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  // One epoch sits in the middle of [0, 2]; x ticks are whole epochs.
  const [x0, x1] = epochs > 1 ? [1, epochs] : [0, 2];
  const { img, frame } = chartFrame(width, height, { title, xLabel, x: [x0, x1], y: padded(finite), xTick: (e) => Number.isInteger(e) && e >= 1 && e <= epochs });
  const { px, py, top, ts } = frame;
  if (finite.length === 0) drawText(img, 'no finite values', Math.round(px(x0)) + 10, top + 10, INK, ts);

  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const next = s.values[i + 1];
      if (Number.isFinite(next)) drawLine(img, px(i + 1), py(v), px(i + 2), py(next), color, 2 * ts);
      if (s.values.length <= 50) drawLine(img, px(i + 1), py(v), px(i + 1), py(v), color, 5 * ts);
    });
  });

  legend(img, frame, series.map((s, k) => ({ name: s.name, color: PALETTE[k % PALETTE.length] })), 'line');
  return img;
}

/**
 * A scatter plot of points coloured by class (e.g. a VAE's latent means of the test set), with a
 * legend naming each class. `classes[i]` indexes `names`; non-finite points are left out. Points
 * are drawn in a shuffled order so no class hides under another. Returns RGBA pixels for writePng.
 */
export function scatterPlot(
  points: { x: ArrayLike<number>; y: ArrayLike<number>; classes: ArrayLike<number> },
  names: readonly string[],
  { title = '', width = 720, height = 560, xLabel = 'x', yLabel = '', dot = 3 }: { title?: string; width?: number; height?: number; xLabel?: string; yLabel?: string; dot?: number } = {},
): Image {
  const { x, y, classes } = points;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 160 && height >= 120)) throw new Error(`scatterPlot: size ${width}×${height} must be integers of at least 160×120`);
  if (x.length !== y.length || x.length !== classes.length) throw new Error(`scatterPlot: x, y and classes differ in length (${x.length}, ${y.length}, ${classes.length})`);
  if (names.length > PALETTE.length) throw new Error(`scatterPlot: at most ${PALETTE.length} classes (one colour each), got ${names.length}`);
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const c = classes[i];
    if (!(Number.isInteger(c) && c >= 0 && c < names.length)) throw new Error(`scatterPlot: point ${i} has class ${c}, outside 0..${names.length - 1}`);
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) keep.push(i);
  }
  const xs = keep.map((i) => x[i]);
  const ys = keep.map((i) => y[i]);
  // Room on the right for the legend, outside the points.
  const legendW = Math.max(0, ...names.map((n) => textWidth(n, width >= 960 ? 2 : 1))) + 48;
  const [xLo, xHi] = padded(xs);
  const span = xHi - xLo;
  const { img, frame } = chartFrame(width, height, { title, xLabel, yLabel, x: [xLo, xHi + (span * legendW) / Math.max(1, width - legendW)], y: padded(ys) });
  // A fixed shuffle (a multiplicative hash of the index) so that the picture does not depend on the data's order.
  const order = keep.map((_, k) => k).sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296));
  for (const k of order) {
    const cx = frame.px(xs[k]);
    const cy = frame.py(ys[k]);
    drawLine(img, cx, cy, cx, cy, PALETTE[classes[keep[k]]], dot);
  }
  legend(img, frame, names.map((name, k) => ({ name, color: PALETTE[k] })), 'dot');
  return img;
}

/**
 * Overlaid histograms of several groups of values (e.g. anomaly scores of normal and anomalous
 * samples) over common bins: each group's bars as the fraction of that group per bin, so groups
 * of different sizes compare, translucent so overlaps show. Returns RGBA pixels for writePng.
 */
export function histogramPlot(
  groups: { name: string; values: ArrayLike<number> }[],
  { title = '', bins = 40, width = 640, height = 400, xLabel = 'value' }: { title?: string; bins?: number; width?: number; height?: number; xLabel?: string } = {},
): Image {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 160 && height >= 120)) throw new Error(`histogramPlot: size ${width}×${height} must be integers of at least 160×120`);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`histogramPlot: bins must be a positive integer, got ${bins}`);
  const finite = groups.flatMap((g) => Array.from(g.values).filter(Number.isFinite));
  let [lo, hi] = finite.length ? [finite.reduce((a, b) => Math.min(a, b)), finite.reduce((a, b) => Math.max(a, b))] : [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const binOf = (v: number) => Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
  const fractions = groups.map((g) => {
    const counts = new Array<number>(bins).fill(0);
    const values = Array.from(g.values).filter(Number.isFinite);
    for (const v of values) counts[binOf(v)]++;
    return counts.map((c) => c / Math.max(1, values.length));
  });
  const top = Math.max(1e-9, ...fractions.flat());
  const ts = width >= 960 ? 2 : 1;
  const lineH = GLYPH_H * ts;
  const img = canvas(width, height, WHITE);
  const y = ticks(0, top * 1.05, Math.max(2, Math.floor(height / 60)));
  const x = ticks(lo, hi, Math.max(2, Math.floor(width / 100)));
  const yLabels = y.values.map((v) => tickLabel(v, y.step));
  const plotTop = (title ? lineH * 2 + 4 : lineH) + 4;
  const left = Math.max(...yLabels.map((l) => textWidth(l, ts))) + 14;
  const bottom = height - (2 * lineH + 16);
  const right = width - 16;
  const yMax = Math.max(top * 1.05, y.values.at(-1)!);
  const px = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);
  const py = (f: number) => bottom - (f / yMax) * (bottom - plotTop);
  if (title) drawText(img, title, Math.round((width - textWidth(title, ts + 1)) / 2), 4, INK, ts + 1);
  y.values.forEach((v, i) => {
    const yy = Math.round(py(v));
    fillRect(img, left, yy, right - left, 1, GRID);
    drawText(img, yLabels[i], left - 7 - textWidth(yLabels[i], ts), yy - Math.floor(lineH / 2) + 1, INK, ts);
  });
  for (const v of x.values.filter((v) => v >= lo && v <= hi)) {
    const xx = Math.round(px(v));
    const label = tickLabel(v, x.step);
    fillRect(img, xx, bottom, 1, 4, INK);
    drawText(img, label, xx - Math.floor(textWidth(label, ts) / 2), bottom + 7, INK, ts);
  }
  fractions.forEach((f, k) => {
    const color = PALETTE[k % PALETTE.length];
    f.forEach((v, b) => {
      if (v === 0) return;
      const x0 = Math.round(px(lo + ((hi - lo) * b) / bins));
      const x1 = Math.round(px(lo + ((hi - lo) * (b + 1)) / bins));
      const yy = Math.round(py(v));
      for (let yy2 = yy; yy2 < bottom; yy2++) for (let xx = x0; xx < Math.max(x1, x0 + 1); xx++) blend(img, xx, yy2, color, 0.55);
    });
  });
  fillRect(img, left, plotTop, 1, bottom - plotTop + 1, INK);
  fillRect(img, left, bottom, right - left + 1, 1, INK);
  const axis = `${xLabel} (fraction of each group per bin)`;
  drawText(img, axis, Math.round((left + right - textWidth(axis, ts)) / 2), bottom + 11 + lineH, INK, ts);
  const boxW = Math.max(...groups.map((g) => textWidth(g.name, ts))) + 36;
  const bx = right - boxW - 8;
  fillRect(img, bx - 1, plotTop + 7, boxW + 2, groups.length * (lineH + 6) + 8, GRID);
  fillRect(img, bx, plotTop + 8, boxW, groups.length * (lineH + 6) + 6, WHITE);
  groups.forEach((g, k) => {
    const ly = plotTop + 14 + k * (lineH + 6);
    fillRect(img, bx + 6, ly, 18, lineH, PALETTE[k % PALETTE.length]);
    drawText(img, g.name, bx + 30, ly, INK, ts);
  });
  return img;
}

/** One panel of a timeSeriesPlot: lines over the time steps and dashed horizontal levels. */
export interface TimeSeriesPanel {
  title: string;
  /** Each a value per time step (x = start … start + n − 1); non-finite values break the line. */
  series: { name: string; values: ArrayLike<number> }[];
  /** Dashed horizontal lines across the panel, e.g. a threshold. */
  levels?: { name: string; value: number }[];
  /** The value range shown; values outside are drawn at its edge (so one spike does not flatten the rest). Default: all values. */
  yRange?: [number, number];
  /** Pixels; default 360. */
  height?: number;
  /** Draw the legend (top right). Default true. */
  legend?: boolean;
}

/** Time-step ranges [start, end) drawn on every panel, with a name for the legend. */
export interface TimeSpans {
  name: string;
  spans: readonly (readonly [number, number])[];
  /** A short label per span, written above it on the first panel (e.g. the kind of anomaly). */
  labels?: readonly string[];
}

const SHADE: Rgb = [255, 170, 60];
const SHADE_ALPHA = 0.28;
const MARK: Rgb = [214, 39, 40];

/**
 * Panels stacked over one time axis (e.g. a signal with its reconstruction above, the
 * reconstruction error with its threshold below). `shaded` spans are tinted across each panel's
 * height (e.g. what a detector flagged); `marked` spans are solid bars along each panel's foot
 * (e.g. the true anomalies), their labels staggered on two lines so neighbours do not collide.
 * The value range is stretched upwards to leave a strip on top for the legend (one row) and the
 * labels (two rows under it), so neither hides the data.
 * `start` is the time step of the series' first value. Returns RGBA pixels for writePng.
 */
export function timeSeriesPlot(
  panels: TimeSeriesPanel[],
  { width = 1600, xLabel = 'time step', start = 0, shaded, marked }: { width?: number; xLabel?: string; start?: number; shaded?: TimeSpans; marked?: TimeSpans } = {},
): Image {
  if (panels.length === 0) throw new Error('timeSeriesPlot: no panels');
  const steps = Math.max(...panels.flatMap((p) => p.series.map((s) => s.values.length)));
  if (!(steps >= 2)) throw new Error(`timeSeriesPlot: the series need at least 2 time steps, got ${steps}`);
  if (marked?.labels && marked.labels.length !== marked.spans.length) throw new Error(`timeSeriesPlot: ${marked.labels.length} labels for ${marked.spans.length} marked spans`);
  const [first, last] = [start, start + steps - 1];
  const ts = width >= 960 ? 2 : 1;
  const lineH = GLYPH_H * ts;
  const images = panels.map((panel, p) => {
    const height = panel.height ?? 360;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 160 && height >= 120)) throw new Error(`timeSeriesPlot: size ${width}×${height} must be integers of at least 160×120`);
    const entries = panel.legend === false ? [] : [
      ...panel.series.map((s, k) => ({ name: s.name, color: PALETTE[k % PALETTE.length], box: 0 })),
      ...(panel.levels ?? []).map((l) => ({ name: l.name, color: MARK, box: 0 })),
      ...(shaded ? [{ name: shaded.name, color: SHADE, box: SHADE_ALPHA * 2 }] : []),
      ...(marked ? [{ name: marked.name, color: MARK, box: 1 }] : []),
    ];
    const [lo, hi] = panel.yRange ?? padded([...panel.series.flatMap((s) => Array.from(s.values).filter(Number.isFinite)), ...(panel.levels ?? []).map((l) => l.value)]);
    // The strip on top: the legend's height, or two lines of labels; as a share of the plot's height
    // (the frame's margins are about 3 lines of text and 30 pixels).
    const rows = (entries.length ? 1 : 0) + (p === 0 && marked?.labels ? 2 : 0);
    const strip = rows * (lineH + 4) + 8;
    const share = Math.min(0.6, strip / Math.max(1, height - 5 * lineH - 30));
    const { img, frame } = chartFrame(width, height, { title: panel.title, xLabel, x: [first, last], y: [lo, hi + ((hi - lo) * share) / (1 - share)] });
    const { px, py, top, bottom } = frame;
    const clamp = (v: number) => Math.min(Math.max(v, lo), hi);
    // Under the lines: the shaded spans, then the marked bars (and their labels, first panel only).
    const inside = ([a, b]: readonly [number, number]) => b > first && a <= last;
    const x0Of = (a: number) => Math.round(px(Math.max(a, first)));
    const x1Of = (b: number) => Math.round(px(Math.min(b, last)));
    for (const span of (shaded?.spans ?? []).filter(inside)) {
      for (let x = x0Of(span[0]); x < Math.max(x1Of(span[1]), x0Of(span[0]) + 1); x++) for (let y = top; y < bottom; y++) blend(img, x, y, SHADE, SHADE_ALPHA);
    }
    const bar = 3 * ts;
    marked?.spans.forEach((span, k) => {
      if (!inside(span)) return;
      const x0 = x0Of(span[0]);
      fillRect(img, x0, bottom - bar - 1, Math.max(x1Of(span[1]) - x0, 2 * ts), bar, MARK);
      const label = marked.labels?.[k];
      const row = (entries.length ? 1 : 0) + (k % 2);
      if (p === 0 && label) drawText(img, label, Math.min(x0, frame.right - textWidth(label, ts)), top + 4 + row * (lineH + 4), MARK, ts);
    });
    panel.series.forEach((s, k) => {
      const color = PALETTE[k % PALETTE.length];
      for (let i = 0; i + 1 < s.values.length; i++) {
        const [v, next] = [s.values[i], s.values[i + 1]];
        if (Number.isFinite(v) && Number.isFinite(next)) drawLine(img, px(first + i), py(clamp(v)), px(first + i + 1), py(clamp(next)), color, ts);
      }
    });
    // Levels dashed, so the lines under them stay visible.
    for (const level of panel.levels ?? []) {
      const y = py(clamp(level.value));
      const dash = 8 * ts;
      for (let x = px(first); x < px(last); x += 2 * dash) drawLine(img, x, y, Math.min(x + dash, px(last)), y, MARK, ts + 1);
    }
    // The legend: one row, right-aligned; lines for series and levels, filled boxes for spans.
    let x = frame.right - 4 - entries.reduce((w, e) => w + textWidth(e.name, ts) + 24 + 16, 0);
    for (const e of entries) {
      const y = top + 4;
      if (e.box) for (let yy = y; yy < y + lineH; yy++) for (let xx = x; xx < x + 18; xx++) blend(img, xx, yy, e.color, e.box);
      else drawLine(img, x, y + lineH / 2, x + 18, y + lineH / 2, e.color, 2 * ts);
      drawText(img, e.name, x + 24, y, INK, ts);
      x += textWidth(e.name, ts) + 24 + 16;
    }
    return img;
  });
  return composeImages(images.map((img) => [img]));
}

/** Images laid out in rows, each row's images side by side from the left, on white. */
export function composeImages(rows: Image[][]): Image {
  const width = Math.max(...rows.map((r) => r.reduce((w, i) => w + i.width, 0)));
  const heights = rows.map((r) => Math.max(0, ...r.map((i) => i.height)));
  const out = canvas(width, heights.reduce((a, b) => a + b, 0), WHITE);
  let y0 = 0;
  rows.forEach((row, r) => {
    let x0 = 0;
    for (const img of row) {
      for (let y = 0; y < img.height; y++) out.data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((y0 + y) * width + x0) * 4);
      x0 += img.width;
    }
    y0 += heights[r];
  });
  return out;
}
