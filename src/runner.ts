// The one way to run a kernel. A kernel is registered once under its op name (= the stem of its
// shaders/<op>_<direction>.wgsl file, embedded as an export of src/generated/<kernel>.ts) with its
// interface as the shader states it (bindings, uniform fields by name) and how its dispatch size
// follows from the op's parameters. `run` encodes a dispatch into a shared command encoder; `flush`
// submits everything encoded so far as one command buffer. Pipelines, bind groups and uniform
// buffers are cached by key, so a training step that repeats the same shapes creates nothing.
import { context, throwDeviceErrors } from './device.js';
import { BufferUsage, MapMode, ShaderStage } from './gpu-flags.js';

/** How a binding is used: read-only storage, read-write storage, or the uniform block of parameters. */
export type BindingKind = 'read' | 'write' | 'uniform';

/** Where the fields of a kernel's uniform block lie: [name, word type, byte offset, words]. */
export interface UniformLayout {
  size: number;
  fields: readonly (readonly [name: string, word: 'u32' | 'i32' | 'f32', offset: number, count: number])[];
}

/**
 * A kernel's WGSL and its interface as the shader declares it: src/generated/<kernel>.ts exports one
 * per shaders/*.wgsl, generated from its `@binding` declarations and uniform struct. U is the
 * uniform block by field name (null without one), S the storage bindings' names in binding order.
 */
export interface Shader<U = unknown, S extends readonly string[] = readonly string[]> {
  name: string;
  code: string;
  bindings: readonly BindingKind[];
  storage: S;
  uniforms: UniformLayout | null;
  /** Runs of code lines from one .wgsl file: [first code line, file under shaders/, its line there]. */
  sources?: readonly (readonly [number, string, number])[];
  /** Type only: the uniform block's fields. */
  readonly fieldTypes?: U;
}

/** R with no key U lacks: an op's uniforms that name a field the shader does not declare fail to build. */
type Exactly<U, R> = R & { [K in Exclude<keyof R, keyof U>]: never };

interface KernelBase<P, U, S extends readonly string[]> {
  shader: Shader<U, S>;
  /** Workgroups to dispatch for these parameters. */
  workgroups(p: P): readonly [number, number?, number?];
  /** WGSL `override` constants for these parameters (tile sizes, activation...). */
  constants?(p: P): Record<string, number>;
}

/** A kernel: its shader, dispatch size and, when the shader has a uniform block, its fields by name. */
export type KernelDef<P, U, S extends readonly string[], R> = KernelBase<P, U, S> &
  ([U] extends [null] ? { uniforms?: undefined } : { uniforms(p: P): Exactly<U, R> });

/** One GPUBuffer per storage binding, in binding order. */
export type Buffers<S extends readonly string[]> = { readonly [K in keyof S]: GPUBuffer };

export interface Kernel<P, S extends readonly string[] = readonly string[]> {
  readonly name: string;
  readonly shader: Shader<unknown, S>;
  /** Encodes one dispatch: storage buffers in binding order (without the uniform block). */
  run(buffers: Buffers<S>, p: P): void;
}

/** What the dispatcher needs, whichever way the kernel was defined. */
interface Resolved<P> {
  shader: Shader;
  workgroups(p: P): readonly [number, number?, number?];
  uniforms?(p: P): ArrayBuffer;
  constants?(p: P): Record<string, number>;
}

const registry = new Map<string, Resolved<unknown>>();

/** Prints each kernel's WGSL when its pipeline is first created (like TF.js's WEBGPU_PRINT_SHADER). */
export const debug = { printShaders: false };

/**
 * Registers a kernel. Without side effects at definition time beyond the registry, so the op
 * modules mark their calls pure and a bundler drops the kernels (and their WGSL) an app never uses.
 */
export function defineKernel<P, U, S extends readonly string[], R extends U = U>(def: KernelDef<P, U, S, R>): Kernel<P, S>;
export function defineKernel<P>(def: KernelBase<P, unknown, readonly string[]> & { uniforms?(p: P): unknown }): Kernel<P> {
  const resolved = resolve(def);
  const { name } = resolved.shader;
  if (registry.has(name)) throw new Error(`kernel '${name}' is registered twice`);
  registry.set(name, resolved as Resolved<unknown>);
  return { name, shader: resolved.shader, run: (buffers, p) => dispatch(resolved, buffers, p) };
}

function resolve<P>(def: KernelBase<P, unknown, readonly string[]> & { uniforms?(p: P): unknown }): Resolved<P> {
  const { shader } = def;
  if (!shader.uniforms !== !def.uniforms) {
    throw new Error(`kernel '${shader.name}': ${shader.uniforms ? 'its shader has a uniform block but the kernel gives no uniforms()' : 'uniforms() given but its shader has no uniform block'}`);
  }
  const { uniforms } = def;
  return { ...def, uniforms: uniforms && ((p) => packUniformBlock(shader, uniforms(p) as Record<string, number | readonly number[]>)) };
}

/** The uniform block's bytes from its fields by name, each checked against its WGSL type. */
function packUniformBlock(shader: Shader, values: Record<string, number | readonly number[]>): ArrayBuffer {
  const layout = shader.uniforms!;
  const data = new ArrayBuffer(layout.size);
  const view = new DataView(data);
  for (const key of Object.keys(values)) {
    if (!layout.fields.some(([name]) => name === key)) throw new Error(`kernel '${shader.name}': uniform '${key}' is not a field of its uniform block`);
  }
  for (const [name, word, offset, count] of layout.fields) {
    const v = values[name];
    const words = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(words) || words.length !== count) throw new Error(`kernel '${shader.name}': uniform '${name}' needs ${count} number(s), got ${JSON.stringify(v)}`);
    words.forEach((w: number, i: number) => {
      const at = offset + 4 * i;
      if (word === 'f32') return view.setFloat32(at, w, true);
      const [lo, hi] = word === 'u32' ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
      if (!Number.isInteger(w) || w < lo || w > hi) throw new Error(`kernel '${shader.name}': uniform '${name}' is ${word} but got ${w}`);
      if (word === 'u32') view.setUint32(at, w, true);
      else view.setInt32(at, w, true);
    });
  }
  return data;
}

export function kernelNames(): string[] {
  return [...registry.keys()];
}

interface DeviceState {
  layouts: Map<string, GPUBindGroupLayout>;
  pipelines: Map<string, GPUComputePipeline>;
  bindGroups: Map<string, GPUBindGroup>;
  /** Keys of the cached bind groups that name each buffer, to forget them when it is destroyed. */
  bindGroupsOfBuffer: Map<number, string[]>;
  uniformBuffers: Map<string, GPUBuffer>;
  /** Pipelines whose build failed, by key, with the error that said so. */
  failedPipelines: Map<string, Error>;
  compileChecks: Promise<void>[];
  encoder: GPUCommandEncoder | null;
  pass: GPUComputePassEncoder | null;
  encodedDispatches: number;
  /** Dispatches submitted since the last sync(), to size its sleep. */
  unsyncedDispatches: number;
}

const states = new WeakMap<GPUDevice, DeviceState>();
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;

/** Dispatches encoded before a command buffer is submitted anyway, to bound its size. */
const MAX_DISPATCHES_PER_SUBMIT = 2048;
const MAX_CACHED_BIND_GROUPS = 8192;
const MAX_CACHED_UNIFORMS = 4096;

function state(device: GPUDevice): DeviceState {
  let s = states.get(device);
  if (!s) {
    s = { layouts: new Map(), pipelines: new Map(), bindGroups: new Map(), bindGroupsOfBuffer: new Map(), uniformBuffers: new Map(), failedPipelines: new Map(), compileChecks: [], encoder: null, pass: null, encodedDispatches: 0, unsyncedDispatches: 0 };
    states.set(device, s);
  }
  return s;
}

function bufferId(buffer: GPUBuffer): number {
  let id = bufferIds.get(buffer);
  if (id === undefined) bufferIds.set(buffer, (id = nextBufferId++));
  return id;
}

function layoutFor(device: GPUDevice, s: DeviceState, bindings: readonly BindingKind[]): GPUBindGroupLayout {
  const key = bindings.join(',');
  let layout = s.layouts.get(key);
  if (!layout) {
    const type = { read: 'read-only-storage', write: 'storage', uniform: 'uniform' } as const;
    layout = device.createBindGroupLayout({
      label: key,
      entries: bindings.map((kind, binding) => ({ binding, visibility: ShaderStage.COMPUTE, buffer: { type: type[kind] } })),
    });
    s.layouts.set(key, layout);
  }
  return layout;
}

function pipelineFor(device: GPUDevice, s: DeviceState, shader: Shader, constants: Record<string, number> | undefined): GPUComputePipeline {
  const { name, code } = shader;
  const key = constants ? `${name}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}` : name;
  const failure = s.failedPipelines.get(key);
  // A pipeline that failed to build is never dispatched again: its dispatches would be dropped by
  // the device and leave their outputs as they were, which a later readback would take for results.
  if (failure) throw failure;
  let pipeline = s.pipelines.get(key);
  if (pipeline) return pipeline;
  if (debug.printShaders) console.log(`// ---- ${key} ----\n${code}`);
  let module: GPUShaderModule | undefined;
  device.pushErrorScope('validation');
  try {
    module = device.createShaderModule({ label: name, code });
    pipeline = device.createComputePipeline({
      label: key,
      layout: device.createPipelineLayout({ label: key, bindGroupLayouts: [layoutFor(device, s, shader.bindings)] }),
      compute: { module, entryPoint: 'main', constants },
    });
  } finally {
    // Popped whatever happened above: a scope left open would swallow every later validation error.
    const built = module;
    // Compilation is checked asynchronously; a failure is thrown by the next flush() or sync().
    s.compileChecks.push(
      device.popErrorScope().then(async (error) => {
        if (!error) return;
        s.pipelines.delete(key);
        const info = built ? await built.getCompilationInfo() : { messages: [] };
        const lines = info.messages.filter((m) => m.type === 'error').map((m) => `${sourceLine(shader, m.lineNum)}:${m.linePos}: ${m.message}`);
        const failed = new Error(`kernel '${key}' failed to build:\n${lines.length ? lines.join('\n') : error.message}`);
        s.failedPipelines.set(key, failed);
        throw failed;
      }),
    );
  }
  s.pipelines.set(key, pipeline);
  return pipeline;
}

/** Where line `line` of a shader's inlined code comes from: shaders/<file>:<line> through any //!include. */
function sourceLine(shader: Shader, line: number): string {
  let run: readonly [number, string, number] | undefined;
  for (const r of shader.sources ?? []) if (r[0] <= line) run = r;
  return run ? `shaders/${run[1]}:${run[2] + line - run[0]}` : `${shader.name}:${line}`;
}

function uniformBuffer(device: GPUDevice, s: DeviceState, data: ArrayBuffer): GPUBuffer {
  const words = new Uint32Array(data);
  const key = words.join(',');
  let buffer = s.uniformBuffers.get(key);
  if (!buffer) {
    // Uniform blocks are padded to 16 bytes; contents never change, so the buffer is cached by them.
    buffer = device.createBuffer({ label: 'uniforms', size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: BufferUsage.UNIFORM, mappedAtCreation: true });
    new Uint32Array(buffer.getMappedRange()).set(words);
    buffer.unmap();
    s.uniformBuffers.set(key, buffer);
  }
  return buffer;
}

function dispatch<P>(def: Resolved<P>, buffers: readonly GPUBuffer[], p: P): void {
  const { device, limits } = context();
  const s = state(device);
  const storageCount = def.shader.bindings.filter((b) => b !== 'uniform').length;
  if (buffers.length !== storageCount) throw new Error(`kernel '${def.shader.name}': expected ${storageCount} buffers, got ${buffers.length}`);
  const [x, y = 1, z = 1] = def.workgroups(p);
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  if (x > maxGroups || y > maxGroups || z > maxGroups) {
    throw new Error(`kernel '${def.shader.name}': dispatch ${x}×${y}×${z} exceeds the device limit of ${maxGroups} workgroups per dimension`);
  }
  if (x === 0 || y === 0 || z === 0) return;
  const constants = def.constants?.(p);
  const pipeline = pipelineFor(device, s, def.shader, constants);
  const resources: GPUBuffer[] = [];
  let storage = 0;
  for (const kind of def.shader.bindings) {
    if (kind === 'uniform') {
      if (!def.uniforms) throw new Error(`kernel '${def.shader.name}' has a uniform binding but no uniforms()`);
      resources.push(uniformBuffer(device, s, def.uniforms(p)));
    } else resources.push(buffers[storage++]);
  }
  const key = `${pipeline.label}|${resources.map(bufferId).join(',')}`;
  let bindGroup = s.bindGroups.get(key);
  if (!bindGroup) {
    if (s.bindGroups.size >= MAX_CACHED_BIND_GROUPS) {
      s.bindGroups.clear();
      s.bindGroupsOfBuffer.clear();
    }
    bindGroup = device.createBindGroup({
      label: def.shader.name,
      layout: layoutFor(device, s, def.shader.bindings),
      entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    s.bindGroups.set(key, bindGroup);
    for (const buffer of buffers) {
      const id = bufferId(buffer);
      const keys = s.bindGroupsOfBuffer.get(id);
      if (keys) keys.push(key);
      else s.bindGroupsOfBuffer.set(id, [key]);
    }
  }
  if (!s.encoder) s.encoder = device.createCommandEncoder({ label: 'wgslnet' });
  if (!s.pass) s.pass = s.encoder.beginComputePass();
  s.pass.setPipeline(pipeline);
  s.pass.setBindGroup(0, bindGroup);
  s.pass.dispatchWorkgroups(x, y, z);
  s.unsyncedDispatches++;
  if (++s.encodedDispatches >= MAX_DISPATCHES_PER_SUBMIT) flush();
}

/** The shared encoder with no compute pass open, for copies between dispatches. */
export function encoder(): GPUCommandEncoder {
  const { device } = context();
  const s = state(device);
  s.pass?.end();
  s.pass = null;
  if (!s.encoder) s.encoder = device.createCommandEncoder({ label: 'wgslnet' });
  return s.encoder;
}

/** Whether commands are encoded but not yet submitted. */
export function hasPendingWork(): boolean {
  const s = state(context().device);
  return s.encoder !== null;
}

let submitted = 0;

/**
 * Command buffers submitted so far. A queue.writeBuffer runs before everything still in the shared
 * encoder: a buffer whose readers were all encoded before the last flush can be written without one.
 */
export function submissions(): number {
  return submitted;
}

/** Submits everything encoded so far as one command buffer. */
export function flush(): void {
  const { device } = context();
  const s = state(device);
  if (!s.encoder) return;
  s.pass?.end();
  device.queue.submit([s.encoder.finish()]);
  submitted++;
  s.encoder = null;
  s.pass = null;
  s.encodedDispatches = 0;
  if (s.uniformBuffers.size > MAX_CACHED_UNIFORMS) {
    // Safe only here: every dispatch that used these buffers has been submitted.
    for (const buffer of s.uniformBuffers.values()) buffer.destroy();
    s.uniformBuffers.clear();
    s.bindGroups.clear();
    s.bindGroupsOfBuffer.clear();
  }
}

/**
 * Whether waiting for the device polls on this thread: Dawn in Node does, a browser waits in its GPU
 * process (and there a sleep only adds to the wait's own latency: Chromium's onSubmittedWorkDone
 * takes milliseconds to resolve, which the estimate below would feed back into the next sleep).
 */
const WAIT_POLLS = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * Submits pending work, waits for the GPU, and throws any shader-build or device error.
 *
 * While a Dawn promise is pending, Node polls for it and takes CPU from a software adapter's worker
 * threads (GEMM on lavapipe: 39 GFLOP/s awaited, 58 after sleeping first). A caller that waits for
 * work of the same kind again and again (an epoch of one model) names it as `site`: in Node the
 * wait then first sleeps through 95% of the quickest recent wait there (per dispatch), polling only
 * for the rest (against 80%: 12% less CPU per shallow training step and 16% per deep one on
 * lavapipe, 2 cores, side by side).
 */
export async function sync(site?: string): Promise<void> {
  const { device } = context();
  flush();
  await awaitGpu(device, site, () => device.queue.onSubmittedWorkDone());
}

/**
 * Copies the first `bytes` bytes of a buffer to the CPU. The copy goes into the shared encoder
 * behind everything encoded so far and is submitted with it, so one wait (the map) covers both the
 * work and the read; at a named `site` it is timed like sync(site).
 */
export async function readBuffer(source: GPUBuffer, bytes: number, site?: string): Promise<ArrayBuffer> {
  const { device } = context();
  const staging = device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  try {
    encoder().copyBufferToBuffer(source, 0, staging, 0, bytes);
    flush();
    await awaitGpu(device, site, () => staging.mapAsync(MapMode.READ));
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/**
 * Waits for `done` (a promise that settles once the submitted work has run), first sleeping at a
 * named site as sync() explains, then throws any kernel build or device error.
 */
async function awaitGpu(device: GPUDevice, site: string | undefined, done: () => Promise<unknown>): Promise<void> {
  const s = state(device);
  const dispatches = s.unsyncedDispatches;
  s.unsyncedDispatches = 0;
  const recent = site && WAIT_POLLS ? msPerDispatchAt.get(site) : undefined;
  const start = performance.now();
  // The quickest of the recent waits: on a shared machine one slow wait would otherwise make the
  // next sleep overshoot, which costs all of the overshoot; sleeping short costs only some polling.
  if (recent && dispatches) await new Promise((resolve) => setTimeout(resolve, 0.95 * Math.min(...recent) * dispatches));
  await done();
  if (site && dispatches) {
    const ms = (performance.now() - start) / dispatches;
    msPerDispatchAt.set(site, [ms, ...(recent ?? [])].slice(0, RECENT_WAITS));
  }
  await throwKernelErrors();
}

/** GPU time per dispatch seen by the last few waits at each site, newest first. */
const msPerDispatchAt = new Map<string, number[]>();
const RECENT_WAITS = 5;

/** Throws the first kernel build error or device error reported so far. */
export async function throwKernelErrors(): Promise<void> {
  const s = state(context().device);
  if (s.compileChecks.length) {
    const checks = s.compileChecks.splice(0);
    await Promise.all(checks);
  }
  throwDeviceErrors();
}

/** Forgets cached bind groups that name this buffer (called before a buffer is destroyed). */
export function forgetBuffer(buffer: GPUBuffer): void {
  const s = state(context().device);
  const id = bufferIds.get(buffer);
  if (id === undefined) return;
  for (const key of s.bindGroupsOfBuffer.get(id) ?? []) s.bindGroups.delete(key);
  s.bindGroupsOfBuffer.delete(id);
}

/** Workgroups for a 1-D kernel over n elements, folded into 2-D past the per-dimension limit. */
export function grid1d(n: number, workgroupSize: number): [number, number] {
  const groups = Math.ceil(n / workgroupSize);
  const maxX = context().limits.maxComputeWorkgroupsPerDimension;
  if (groups <= maxX) return [groups, 1];
  const y = Math.ceil(groups / maxX);
  return [Math.ceil(groups / y), y];
}
