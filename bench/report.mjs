// The benchmark results files and bench/results/latest.md, shared by bench/run.mjs (model rows
// against TF.js) and bench/limits.mjs (steps against the machine's limits). Each results JSON
// holds { environment, results: [...] } (model runs, by model) or { environment, rows: {...} }
// (limits, by row); latest.md is regenerated from all of them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = join(here, 'results');

/** Short, file-name-safe adapter name: the well-known software rasterizers by name. */
export function adapterSlug(description) {
  const d = description.toLowerCase();
  if (/llvmpipe|lavapipe/.test(d)) return 'lavapipe';
  if (/swiftshader/.test(d)) return 'swiftshader';
  return d.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'unknown';
}

export function gitCommit() {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '../src', '../shaders'], { cwd: here, encoding: 'utf8' }).trim();
    return dirty ? `${hash}+uncommitted` : hash;
  } catch {
    return 'unknown';
  }
}

/**
 * Writes results/<file>: `entries` under `key` ('results', a list by model, kept in `order`; or
 * 'rows', an object by row) replace those of a previous run and keep the others (a partial run
 * updates only what it ran); then regenerates latest.md. Returns the path written.
 */
export function saveResults(file, environment, entries, key, order = []) {
  const path = join(resultsDir, file);
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  const previous = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8'))[key] : undefined;
  let merged;
  if (key === 'results') {
    const names = entries.map((r) => r.model);
    merged = [...(previous ?? []).filter((r) => !names.includes(r.model)), ...entries].sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model));
  } else merged = { ...(previous ?? {}), ...entries };
  writeFileSync(path, `${JSON.stringify({ environment, [key]: merged }, null, 2)}\n`);
  writeLatest();
  return path;
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const fixed = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ms = (s) => fixed(s.median);
const spread = (s) => `${fixed(s.p10)}–${fixed(s.p90)}`;
const rate = (r) => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/** The TF.js backend a model run compared against (runs before the field existed: webgpu). */
export const backendOf = (environment) => environment.tfjsBackend ?? 'webgpu';

/** A markdown table of one run's results. */
export function markdownTable(results, backend = 'webgpu') {
  const memory = backend === 'webgpu' ? 'peak GPU MiB wgslnet / TF.js' : `peak MiB wgslnet (GPU) / TF.js (${backend} tensors)`;
  const lines = [
    `| model | batch | ms/step wgslnet (p10–p90) | ms/step TF.js (p10–p90) | wgslnet/TF.js (speed-up) | samples/s wgslnet / TF.js | ${memory} | predict samples/s wgslnet / TF.js | loss check |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    if (r.unsupported) {
      lines.push(`| ${r.model} | ${r.batchSize} | | | TF.js ${backend} cannot train it: ${r.unsupported} | | | | |`);
      continue;
    }
    const w = r.frameworks.wgslnet;
    const t = r.frameworks.tfjs;
    const diffs = r.lossCheck.diffs.map((d) => d.toExponential(0)).join(', ');
    const check = r.valid ? `ok (${diffs})` : `**INVALID** (${diffs})`;
    lines.push(
      `| ${r.model} | ${r.batchSize} | ${ms(w.stepMs)} (${spread(w.stepMs)}) | ${ms(t.stepMs)} (${spread(t.stepMs)}) | ${r.ratio.toFixed(2)} (${(1 / r.ratio).toFixed(1)}×) | ${rate(w.samplesPerSec)} / ${rate(t.samplesPerSec)} | ${mb(w.peakAllocatedBytes)} / ${mb(t.peakAllocatedBytes)} | ${rate(w.predictSamplesPerSec)} / ${rate(t.predictSamplesPerSec)} | ${check} |`,
    );
  }
  return lines.join('\n');
}

export function invalidWhy(r) {
  const n = r.lossCheck.diffs.length;
  return `the first ${n} losses disagree (relative differences ${r.lossCheck.diffs.map((d) => d.toExponential(2)).join(', ')}; tolerances ${r.lossCheck.lossRtol} on step 0, ${r.lossCheck.changeRtol} on the change since step 0): wgslnet ${r.frameworks.wgslnet.losses.slice(0, n).join(', ')}; TF.js ${r.frameworks.tfjs.losses.slice(0, n).join(', ')}.`;
}

const stampOf = (r) => `${r.date.slice(0, 16).replace('T', ' ')} UTC, wgslnet ${r.commit}, load average ${r.loadavg}`;

/** "when" of a run: one stamp, or each entry's where they differ (partial runs). */
function when(entries) {
  const stamps = [...new Set(entries.map(stampOf))];
  return stamps.length === 1 ? stamps[0] : entries.map((r) => `${r.model}: ${stampOf(r)}`).join('; ');
}

function modelSection(run) {
  const e = run.environment;
  const backend = backendOf(e);
  const steps = run.results.filter((r) => !r.unsupported).map((r) => `${r.model} ${r.warmup} warm-up + ${r.steps} measured steps in blocks of ${r.block}`);
  const parts = ['', `### ${e.runtime} — ${e.adapter} — against TF.js ${backend}`, '', `TF.js ${e.tfjs} (${backend} backend${e.tfjsBackendDetail ? `, ${e.tfjsBackendDetail}` : ''}); ${e.cpus} × ${e.host}; ${when(run.results)}. ${steps.join('; ')}.`, '', markdownTable(run.results, backend)];
  for (const r of run.results.filter((r) => !r.unsupported && !r.valid)) parts.push('', `**${r.model} is invalid**: ${invalidWhy(r)}`);
  return parts;
}

const gb = (bytes) => (bytes / 1e9).toFixed(3);

/** The limits rows (bench/limits.mjs): each a measured value against its goal. */
export function limitsTable(rows) {
  const lines = ['| row | measured | against | ratio (goal) |', '|---|---|---|---:|'];
  const { overhead: o, deep: d, conv: c } = rows;
  if (o) {
    const cpu = o.cpuRatio === undefined ? ['', '', ''] : [`; CPU ${ms(o.trainOnBatchCpuMs)}`, `; CPU ${ms(o.fitCpuMs)}`, `; CPU ${o.cpuRatio.toFixed(2)}`];
    lines.push(`| ${o.model} trainOnBatch vs fit, batch ${o.batchSize} | trainOnBatch ${ms(o.trainOnBatchMs)} (${spread(o.trainOnBatchMs)}) ms/step${cpu[0]} | fit ${ms(o.fitMs)} (${spread(o.fitMs)}) ms/step${cpu[1]}, ${o.batchesPerRep} batches × ${o.reps} | ${o.ratio.toFixed(2)}${cpu[2]} (≤ ${o.goal}) |`);
  }
  if (d) {
    lines.push(
      `| ${d.model} Adam step vs memory floor, batch ${d.batchSize} | step ${ms(d.stepMs)} (${spread(d.stepMs)}) ms${d.stepCpuMs ? `; CPU ${ms(d.stepCpuMs)}` : ''} | floor ${fixed(d.floorMs)} ms = ${gb(d.traffic.bytes)} GB (weights ${gb(d.traffic.weightBytes)}, activations ${gb(d.traffic.activationBytes)}) / ${(Math.max(d.bandwidth.copyBufferToBuffer, d.bandwidth.shader) / 1e9).toFixed(1)} GB/s (copyBufferToBuffer ${(d.bandwidth.copyBufferToBuffer / 1e9).toFixed(1)}, copy kernel ${(d.bandwidth.shader / 1e9).toFixed(1)}; ${d.bandwidthTiming})${d.fusedFloorMs ? `; without the kernel gradients' write and read ${gb(d.traffic.fusedBytes)} GB, floor ${fixed(d.fusedFloorMs)} ms` : ''}${d.shaderFloorMs ? `; at the copy kernel's bandwidth (every byte of a step goes through a shader) ${fixed(d.shaderFloorMs)} ms` : ''} | ${d.ratio.toFixed(2)}${d.fusedRatio ? `; fused floor ${d.fusedRatio.toFixed(2)}` : ''}${d.shaderRatio ? `; copy-kernel floor ${d.shaderRatio.toFixed(2)}` : ''} (≤ ${d.goal}) |`,
    );
  }
  if (c) {
    const cpu = c.stepCpuMs ? [`; CPU ${ms(c.stepCpuMs)}`, `; ${c.gflopsPerCpuSecond.toFixed(1)} per CPU-second`] : ['', ''];
    lines.push(`| ${c.model} step throughput, batch ${c.batchSize} | step ${ms(c.stepMs)} (${spread(c.stepMs)}) ms${cpu[0]} | ${gb(c.flops)} GFLOP/step (forward, dX, dW) | ${c.gflops.toFixed(1)} GFLOP/s${cpu[1]} (≥ ${c.goal}) |`);
  }
  return lines.join('\n');
}

function limitsSection(run) {
  const e = run.environment;
  const rows = Object.values(run.rows);
  return ['', `### Limits: ${e.runtime} — ${e.adapter}`, '', `bench/limits.mjs; ${e.cpus} × ${e.host}; ${when(rows)}.`, '', limitsTable(run.rows)];
}

/** latest.md from every results file: one section per environment, model runs first (Node's before the browsers'), then limits. */
export function writeLatest() {
  const rank = (f) => (f.startsWith('limits-') ? 2 : f.startsWith('node-') ? 0 : 1);
  const runs = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => rank(a) - rank(b) || a.slice(0, -5).localeCompare(b.slice(0, -5)))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
    // Other benchmarks' files share the folder (tape-node.json has other rows): only these two kinds.
    .filter((run) => Array.isArray(run.results) || (run.rows && run.environment?.adapter && ['overhead', 'deep', 'conv'].some((k) => run.rows[k])));
  const parts = [
    '<!-- Generated by bench/run.mjs and bench/limits.mjs from bench/results/*.json; see bench/README.md for what is measured. -->',
    '',
    'Training steps are `trainOnBatch` on a resident batch (the loss is read back, in both libraries); ms/step is the median over the measured steps, with the 10th–90th percentile. Peak memory is what each library had allocated during training (wgslnet: live tensors plus freed GPU buffers it keeps for reuse). Predict is `predict` over several batches plus reading the outputs back. Loss check, from identical weights and batches: relative difference of step 0\'s losses (tolerance 1e-4) and of the loss changes since step 0 at steps 1 and 2 (tolerance 5e-3); see bench/models.mjs.',
  ];
  for (const run of runs) parts.push(...(Array.isArray(run.results) ? modelSection(run) : limitsSection(run)));
  writeFileSync(join(resultsDir, 'latest.md'), `${parts.join('\n')}\n`);
}
