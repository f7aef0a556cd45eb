// The loss chart: training and validation loss against epochs, as an SVG redrawn on each point.

export interface Point {
  epoch: number;
  value: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const PAD = { left: 66, right: 16, top: 14, bottom: 34 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const step = [1, 2, 2.5, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw)!;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export class LossChart {
  train: Point[] = [];
  val: Point[] = [];
  epochs = 1;
  /** The y axis's title: the loss and its name. */
  yLabel = 'loss';

  constructor(readonly svg: SVGSVGElement) {
    // Drawn at the element's own width so that text keeps its size on any screen.
    new ResizeObserver(() => this.draw()).observe(svg);
    this.draw();
  }

  reset(epochs: number, yLabel = 'loss'): void {
    this.train = [];
    this.val = [];
    this.epochs = epochs;
    this.yLabel = yLabel;
    this.draw();
  }

  add(epoch: number, loss: number, valLoss?: number): void {
    this.train.push({ epoch, value: loss });
    if (valLoss !== undefined) this.val.push({ epoch, value: valLoss });
    this.draw();
  }

  draw(): void {
    const svg = this.svg;
    const W = Math.max(260, svg.clientWidth || 560);
    const H = Math.round(Math.min(300, Math.max(190, W * 0.4)));
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.replaceChildren();
    const all = [...this.train, ...this.val].map((p) => p.value).filter(Number.isFinite);
    const xMax = Math.max(this.epochs, ...this.train.map((p) => p.epoch), 1);
    let [lo, hi] = all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
    const margin = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.05;
    [lo, hi] = [Math.max(0, lo - margin), hi + margin];
    const x = (e: number) => PAD.left + (e / xMax) * (W - PAD.left - PAD.right);
    const y = (v: number) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);

    const axes = el('g', { class: 'axes' });
    // No y ticks before there is a loss to scale them to (the placeholder sits where they would).
    for (const t of all.length ? ticks(lo, hi, 5) : []) {
      axes.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t), class: 'grid' }));
      axes.append(el('text', { x: PAD.left - 8, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
    }
    for (const t of ticks(0, xMax, Math.min(xMax, Math.floor(W / 70))).filter(Number.isInteger)) {
      axes.append(el('text', { x: x(t), y: H - PAD.bottom + 18, 'text-anchor': 'middle' }, String(t)));
    }
    axes.append(el('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 4, 'text-anchor': 'middle', class: 'label' }, 'epoch'));
    const yMid = (PAD.top + H - PAD.bottom) / 2;
    axes.append(el('text', { x: 12, y: yMid, 'text-anchor': 'middle', class: 'label y-label', transform: `rotate(-90 12 ${yMid})` }, this.yLabel));
    axes.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }));
    svg.append(axes);
    if (!all.length) {
      // Two short lines: one long line ran past the edge of a phone's chart.
      const xMid = (PAD.left + W - PAD.right) / 2;
      const placeholder = el('text', { x: xMid, y: yMid - 8, 'text-anchor': 'middle', class: 'empty' });
      placeholder.append(el('tspan', { x: xMid }, 'The loss appears here'), el('tspan', { x: xMid, dy: '1.3em' }, 'as the model trains'));
      svg.append(placeholder);
      return;
    }
    for (const [series, cls] of [[this.train, 'train'], [this.val, 'val']] as const) {
      if (!series.length) continue;
      svg.append(el('polyline', { points: series.map((p) => `${x(p.epoch)},${y(p.value)}`).join(' '), class: `line ${cls}` }));
      for (const p of series) {
        const dot = el('circle', { cx: x(p.epoch), cy: y(p.value), r: 3, class: `dot ${cls}` });
        dot.append(el('title', {}, `${cls === 'train' ? 'loss' : 'val_loss'} ${p.value.toFixed(4)} at epoch ${+p.epoch.toFixed(2)}`));
        svg.append(dot);
      }
    }
  }
}
