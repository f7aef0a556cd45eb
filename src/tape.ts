// Automatic differentiation: a gradient tape of the differentiable ops (src/math.ts) and tidy()
// scopes that free what a function leaves behind.
//
// While grad()/variableGrads() runs f, every op records one node: its inputs, its output and a
// backward function (the op's gradient helper from src/ops/). The gradient is then micrograd's
// reverse-mode walk: build_topo orders the nodes that lead to y, and walking them in reverse each
// node's output gradient is complete before its backward runs; gradients of a tensor used twice
// add up. Only nodes that depend on a requested source are differentiated.
//
// Memory: f runs inside a tidy scope, so its intermediates, the tape's saved tensors and the
// gradient temporaries are all freed together once the gradients are taken; only the value and the
// gradients survive. Everything stays on the GPU: taking gradients encodes kernels, never reads back.
import { binary } from './ops/binary.js';
import { copy } from './ops/axis.js';
import { fill } from './ops/fill.js';
import { empty, formatShape, trackTensors, Tensor } from './tensor.js';

/** One recorded op: inputs (numbers are constants), its output and how to take its gradients. */
export interface TapeNode {
  op: string;
  inputs: readonly (Tensor | number)[];
  output: Tensor;
  /** dL/dinput for each input where need[i] (null elsewhere), given dL/doutput. */
  backward(dy: Tensor, need: readonly boolean[]): (Tensor | null)[];
}

// ---- tidy scopes ----

interface Scope {
  tensors: Tensor[];
}

const scopes: Scope[] = [];
const escaped = new WeakSet<Tensor>();

function openScope(): Scope {
  const scope: Scope = { tensors: [] };
  scopes.push(scope);
  if (scopes.length === 1) trackTensors((t) => scopes[scopes.length - 1].tensors.push(t));
  return scope;
}

/** Anything tidy() can return: tensors, possibly in arrays or plain objects. */
export type TensorContainer = void | number | string | boolean | null | undefined | Tensor | TensorContainer[] | { [key: string]: TensorContainer };

function collect(value: unknown, into: Tensor[]): Tensor[] {
  if (value instanceof Tensor) into.push(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into);
  return into;
}

/**
 * Closes a scope: disposes the tensors it created except `result`'s and keep()'s; those (and any
 * tensor sharing a kept one's buffer: the base of a returned reshape view) move to the enclosing scope.
 */
function closeScope(scope: Scope, result: unknown): void {
  if (scopes[scopes.length - 1] !== scope) throw new Error('tidy: scopes closed out of order');
  scopes.pop();
  if (scopes.length === 0) trackTensors(null);
  const results = new Set(collect(result, []).filter((t) => !t.isDisposed));
  const kept = new Set<GPUBuffer>([...results].map((t) => t.buffer));
  const parent = scopes[scopes.length - 1];
  for (const t of scope.tensors) {
    if (escaped.has(t)) continue;
    // Another view of a kept buffer is dropped (a view frees nothing); its owner must live on.
    // dispose() also ends views whose owner is gone (they count as live until then).
    if (results.has(t) || (!t.isView && !t.isDisposed && kept.has(t.buffer))) parent?.tensors.push(t);
    else t.dispose();
  }
}

/**
 * Runs fn and disposes every tensor it created except those it returns (TF.js's tf.tidy). fn must
 * be synchronous: a Promise would outlive the scope.
 */
export function tidy<T extends TensorContainer>(fn: () => T): T;
export function tidy<T extends TensorContainer>(name: string, fn: () => T): T;
export function tidy<T extends TensorContainer>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new Error('tidy: expected a function');
  const scope = openScope();
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('tidy: fn returned a Promise; tidy takes a synchronous function (await outside it)');
    return result;
  } finally {
    closeScope(scope, result);
  }
}

/** Exempts t from every enclosing tidy() (TF.js's tf.keep). */
export function keep<T extends Tensor>(t: T): T {
  escaped.add(t);
  return t;
}

/**
 * Runs fn and lists every tensor it made, freeing none (they stay with the enclosing scope, if any).
 * If fn throws, what it made is freed.
 */
export function collecting<T>(fn: () => T): { result: T; made: Tensor[] } {
  const scope = openScope();
  let ok = false;
  try {
    const result = fn();
    ok = true;
    return { result, made: [...scope.tensors] };
  } finally {
    closeScope(scope, ok ? scope.tensors : undefined);
  }
}

// ---- the tape ----

const tapes: TapeNode[][] = [];

/** Whether an op now would be recorded (ops skip building backward closures otherwise). */
export function isRecording(): boolean {
  return tapes.length > 0;
}

/** Records an op on every active tape. */
export function record(node: TapeNode): void {
  for (const tape of tapes) tape.push(node);
}

/**
 * Stands in for symbolic tensors (from input() or layer.apply()) while a model's added losses run
 * (model.addLoss(() => …) in a training step): their values in that step, or undefined.
 */
type Resolver = (x: object) => Tensor | undefined;
let resolver: Resolver | null = null;

/** Runs fn with ops resolving symbolic tensors through `resolve`. */
export function resolvingSymbols<T>(resolve: Resolver, fn: () => T): T {
  const outer = resolver;
  resolver = resolve;
  try {
    return fn();
  } finally {
    resolver = outer;
  }
}

/**
 * An op's inputs, checked: tensors that are alive, or numbers; a symbolic tensor becomes its value
 * in the running step (see resolvingSymbols). Throws naming the op and the input.
 */
export function inputsOf<T extends Tensor | number>(op: string, inputs: readonly T[]): T[] {
  return inputs.map((t, i) => {
    if (typeof t === 'number') return t;
    if (!(t instanceof Tensor)) {
      const value = t !== null && typeof t === 'object' ? resolver?.(t) : undefined;
      if (value) return value as T;
      const symbolic = t !== null && typeof t === 'object' && 'sampleShape' in (t as object);
      if (symbolic) throw new Error(`${op}: input ${i} is a symbolic tensor (from input() or layer.apply()); ops take symbolic tensors only inside model.addLoss(() => …), where they stand for their values in each training step`);
      throw new Error(`${op}: input ${i} must be a Tensor or a number, got ${t === null ? 'null' : typeof t}`);
    }
    if (t.isDisposed) {
      const where = tapes.length ? ' inside a gradient tape (grad/variableGrads): a tensor must stay alive until the gradients are taken' : '';
      throw new Error(`${op}: input ${i} (${t.dtype} ${formatShape(t.shape)}) was disposed${where}`);
    }
    return t;
  });
}

/** micrograd's build_topo: the nodes the roots depend on, each after the nodes that produce its inputs. */
function buildTopo(roots: readonly Tensor[], producer: Map<Tensor, TapeNode>): TapeNode[] {
  const order: TapeNode[] = [];
  const visited = new Set<TapeNode>();
  // Iterative depth-first search (a long chain of ops would overflow the call stack).
  const stack: { node: TapeNode; next: number }[] = [];
  const visit = (t: Tensor | number) => {
    const node = typeof t === 'number' ? undefined : producer.get(t);
    if (node && !visited.has(node)) {
      visited.add(node);
      stack.push({ node, next: 0 });
    }
  };
  for (const root of roots) {
    visit(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) visit(top.node.inputs[top.next++]);
      else {
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

/** Gradients of Σ_roots <dy, root> with respect to each x of xs (null where none reaches it). */
function backprop(tape: readonly TapeNode[], roots: readonly (readonly [Tensor, Tensor])[], xs: readonly Tensor[]): (Tensor | null)[] {
  const producer = new Map<Tensor, TapeNode>();
  for (const node of tape) producer.set(node.output, node);
  // Which tensors depend on a source (in recording order, which is already topological).
  const dependsOnSource = new Set<Tensor>(xs);
  for (const node of tape) if (node.inputs.some((t) => typeof t !== 'number' && dependsOnSource.has(t))) dependsOnSource.add(node.output);
  const gradOf = new Map<Tensor, Tensor>();
  const accumulate = (x: Tensor, g: Tensor) => {
    const prev = gradOf.get(x);
    gradOf.set(x, prev ? binary('add', prev, g) : g);
  };
  for (const [y, dy] of roots) accumulate(y, dy);
  const topo = buildTopo(roots.map(([y]) => y), producer);
  for (let k = topo.length - 1; k >= 0; k--) {
    const node = topo[k];
    const g = gradOf.get(node.output);
    if (!g || !dependsOnSource.has(node.output)) continue;
    const need = node.inputs.map((t) => typeof t !== 'number' && dependsOnSource.has(t));
    node.inputs.forEach((t, i) => {
      if (need[i] && (t as Tensor).isDisposed) {
        throw new Error(`${node.op}: its input ${i} (${formatShape((t as Tensor).shape)}) was disposed before the gradients were taken; inside grad()/variableGrads() leave disposal to the tape (it frees intermediates when the gradients are taken)`);
      }
    });
    const inputGrads = node.backward(g, need);
    node.inputs.forEach((t, i) => {
      const gi = inputGrads[i];
      if (!need[i] || !gi) return;
      const x = t as Tensor;
      if (formatShape(gi.shape) !== formatShape(x.shape)) throw new Error(`${node.op}: gradient ${formatShape(gi.shape)} for input ${i} does not match its shape ${formatShape(x.shape)}`);
      accumulate(x, gi);
    });
  }
  return xs.map((x) => gradOf.get(x) ?? null);
}

/** Runs fn with a tape recording: its result and the ops it recorded (nothing is freed). */
export function recording<T>(fn: () => T): { result: T; tape: TapeNode[] } {
  const tape: TapeNode[] = [];
  tapes.push(tape);
  try {
    return { result: fn(), tape };
  } finally {
    tapes.splice(tapes.indexOf(tape), 1);
  }
}

/**
 * Results that own their buffers: a view, a tensor in `foreign` (an input, a source, a dy handed
 * in) or one already returned is copied, so that each result can be freed (or added to in place) alone.
 */
function owning(foreign: readonly Tensor[]): (t: Tensor) => Tensor {
  const owned = new Set<GPUBuffer>(foreign.filter((t) => !t.isDisposed).map((t) => t.buffer));
  return (t) => {
    const mine = t.isView || owned.has(t.buffer) ? copy(t) : t;
    owned.add(mine.buffer);
    return mine;
  };
}

/**
 * Backward over a recorded tape: the gradients of Σ <dy, y> over roots (y, dy) with respect to xs,
 * each a tensor of its own (null where no root depends on that x). The temporaries are freed; the
 * tape's own tensors are left to whoever recorded it.
 */
export function backpropagate(tape: readonly TapeNode[], roots: readonly (readonly [Tensor, Tensor])[], xs: readonly Tensor[]): (Tensor | null)[] {
  const scope = openScope();
  let result: (Tensor | null)[] | undefined;
  try {
    const own = owning([...xs, ...roots.flatMap(([y, dy]) => [y, dy])]);
    result = backprop(tape, roots, xs).map((g) => (g ? own(g) : null));
    return result;
  } finally {
    closeScope(scope, result);
  }
}

export interface Gradients {
  value: Tensor;
  grads: (Tensor | null)[];
}

/**
 * Runs f under a tape and takes the gradients of its result with respect to xs (for upstream dy,
 * default ones). Everything f and the backward pass created is freed except the value and the
 * gradients, each a tensor of its own (no views, no two results sharing a buffer). With `scalar`,
 * a result of more than one element is an error (before any backward work).
 */
export function gradients(f: () => Tensor, xs: readonly Tensor[], dy?: Tensor, what = 'grad', scalar = false): Gradients {
  inputsOf(what, xs);
  const scope = openScope();
  let result: Gradients | undefined;
  try {
    const { result: y, tape } = recording(f);
    if (!(y instanceof Tensor)) throw new Error(`${what}: f must return a Tensor, got ${y === null ? 'null' : typeof y}`);
    if (scalar && y.size !== 1) throw new Error(`${what}: f must return a scalar, got shape ${formatShape(y.shape)}`);
    if (dy && formatShape(dy.shape) !== formatShape(y.shape)) throw new Error(`${what}: dy ${formatShape(dy.shape)} must have the shape of f's result ${formatShape(y.shape)}`);
    const grads = backprop(tape, [[y, dy ?? fill(empty(y.shape), 1)]], xs);
    const own = owning(dy ? [...xs, dy] : xs);
    const value = own(y);
    result = { value, grads: grads.map((g) => (g ? own(g) : null)) };
    return result;
  } finally {
    closeScope(scope, result);
  }
}

function notConnected(what: string, i: number): Error {
  return new Error(`${what}: cannot compute the gradient of y = f(x) with respect to argument ${i}: y does not depend on it. Make sure f encloses every op that leads from x to y`);
}

/** TF.js's grad: f's gradient at x (times dy), as a function of x. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    const { value, grads } = gradients(() => f(x), [x], dy, 'grad');
    value.dispose();
    if (!grads[0]) throw notConnected('grad', 0);
    return grads[0];
  };
}

/** TF.js's valueAndGrads: f(...args) and its gradient with respect to every argument. */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (args, dy) => {
    if (!Array.isArray(args)) throw new Error('valueAndGrads: args must be an array of tensors');
    const { value, grads } = gradients(() => f(...args), args, dy, 'valueAndGrads');
    const missing = grads.findIndex((g) => !g);
    if (missing >= 0) {
      value.dispose();
      grads.forEach((g) => g?.dispose());
      throw notConnected('valueAndGrads', missing);
    }
    return { value, grads: grads as Tensor[] };
  };
}

/** TF.js's grads: the gradient of f with respect to every argument. */
export function grads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => Tensor[] {
  const both = valueAndGrads(f);
  return (args, dy) => {
    const { value, grads: g } = both(args, dy);
    value.dispose();
    return g;
  };
}

/** TF.js's valueAndGrad: f(x) and its gradient. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  const both = valueAndGrads(f);
  return (x, dy) => {
    const { value, grads: g } = both([x], dy);
    return { value, grad: g[0] };
  };
}

/** A trainable tensor with a name: a layer's Weight, or anything shaped like one. */
export interface Variable {
  name: string;
  value: Tensor;
}

/**
 * TF.js's variableGrads: the scalar f() and its gradient with respect to each variable of varList
 * that it depends on, keyed by the variable's name.
 */
export function variableGrads(f: () => Tensor, varList: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  if (!Array.isArray(varList) || varList.length === 0) throw new Error('variableGrads: varList must list the variables to differentiate (e.g. model.trainableWeights)');
  const names = new Set<string>();
  for (const v of varList) {
    if (!v || typeof v.name !== 'string' || !(v.value instanceof Tensor)) throw new Error('variableGrads: each entry of varList needs a name and a value tensor (a Weight)');
    if (names.has(v.name)) throw new Error(`variableGrads: two variables are named '${v.name}'`);
    names.add(v.name);
  }
  const { value, grads: g } = gradients(f, varList.map((v) => v.value), undefined, 'variableGrads', true);
  if (g.every((t) => !t)) {
    value.dispose();
    throw new Error('variableGrads: f does not depend on any variable of varList; make sure the ops that use them run inside f');
  }
  const named: Record<string, Tensor> = {};
  varList.forEach((v, i) => {
    if (g[i]) named[v.name] = g[i]!;
  });
  return { value, grads: named };
}
