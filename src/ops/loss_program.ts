// Loss functions written as ops, fused. compile({ loss: (yTrue, yPred) => … }) would otherwise run
// each op as its own pass over the batch, forward and backward (mean(square(sub(t, p))) is six
// passes where the built-in loss takes one). When the function is an elementwise expression of
// yTrue, yPred and constants, summed or averaged (over all axes, possibly in steps), then scaled by
// constants — which most losses are — it is traced once into straight-line WGSL over dual numbers
// (shaders/lib/loss_program.wgsl) and run as one pass that sums the value on the GPU and, in a
// training step, writes the gradient. Anything else runs on the tape as written. (An interpreter of the
// program in one fixed kernel was 30–50× slower on llvmpipe than the generated code.)
import { defineKernel, type Kernel, type Shader } from '../runner.js';
import { loss_program_forward } from '../generated/loss_program_forward.js';
import { empty, formatShape, sizeOf, type Shape, type Tensor } from '../tensor.js';
import { normalizeAxes } from './broadcast.js';
import { PER_GROUP, sumPartials } from './reduce.js';

const MAX_INSTRUCTIONS = 32;
const MAX_CONSTANTS = 32;

/** Each op's dual-number function in shaders/lib/loss_program.wgsl. */
const UNARY: Record<string, string> = { neg: 'd_neg', exp: 'd_exp', log: 'd_log', sqrt: 'd_sqrt', square: 'd_square', abs: 'd_abs', reciprocal: 'd_reciprocal', relu: 'd_relu', sigmoid: 'd_sigmoid', tanh: 'd_tanh', clipByValue: 'd_clip' };
const BINARY: Record<string, string> = { add: 'd_add', sub: 'd_sub', mul: 'd_mul', div: 'd_div', pow: 'd_pow', maximum: 'd_maximum', minimum: 'd_minimum', squaredDifference: 'd_squared_difference' };

/** A compiled loss: its body as WGSL (run_program), constants, and the factor applied after the sum. */
export interface LossProgram {
  body: string;
  consts: number[];
  scale: number;
}

/** Thrown inside a trace at the first op the fused kernels cannot express. */
class Unsupported extends Error {}

/**
 * A value during tracing: an elementwise expression (register `reg`, the full shape) or, after a
 * sum/mean, `scale` times the sum of register `reg` over the reduced axes (shape: what is left).
 */
export class Traced {
  constructor(
    readonly reg: number,
    readonly shape: Shape,
    readonly reduced: boolean,
    readonly scale: number,
    readonly dependsOnPred: boolean,
  ) {}
}

interface Trace {
  /** One WGSL expression per register. */
  lines: string[];
  consts: number[];
  shape: Shape;
}

let active: Trace | null = null;

export function isTracing(): boolean {
  return active !== null;
}

function emit(expression: string): number {
  const t = active!;
  if (t.lines.length >= MAX_INSTRUCTIONS) throw new Unsupported('too many ops');
  t.lines.push(expression);
  return t.lines.length - 1;
}

function constant(...values: number[]): number {
  const t = active!;
  if (t.consts.length + values.length > MAX_CONSTANTS) throw new Unsupported('too many constants');
  t.consts.push(...values);
  return t.consts.length - values.length;
}

function operand(v: unknown): Traced {
  if (v instanceof Traced) {
    if (v.reduced) throw new Unsupported('an elementwise op after a reduction');
    return v;
  }
  if (typeof v === 'number') return new Traced(emit(`d_const(${constant(v)}u)`), active!.shape, false, 1, false);
  throw new Unsupported('a tensor other than yTrue and yPred');
}

/** An op of the traced function, on traced values; undefined when none of its inputs is traced. */
export function traceOp(op: string, inputs: readonly unknown[], extra?: { lo: number; hi: number } | { axis?: number | readonly number[]; keepDims?: boolean }): Traced | undefined {
  if (!inputs.some((v) => v instanceof Traced)) return undefined;
  const [a, b] = inputs;
  if (op === 'sum' || op === 'mean') {
    const x = a as Traced;
    const { axis } = (extra ?? {}) as { axis?: number | readonly number[] };
    const axes = normalizeAxes(op, axis, x.shape.length);
    const count = axes.reduce((n, ax) => n * x.shape[ax], 1);
    const left = x.shape.filter((_, i) => !axes.includes(i));
    return new Traced(x.reg, left, true, x.scale * (op === 'mean' ? 1 / count : 1), x.dependsOnPred);
  }
  // Constant factors after a reduction fold into its scale.
  const reduced = [a, b].find((v) => v instanceof Traced && v.reduced) as Traced | undefined;
  if (reduced) {
    const other = a === reduced ? b : a;
    if (op === 'neg') return new Traced(reduced.reg, reduced.shape, true, -reduced.scale, reduced.dependsOnPred);
    if (op === 'mul' && typeof other === 'number') return new Traced(reduced.reg, reduced.shape, true, reduced.scale * other, reduced.dependsOnPred);
    if (op === 'div' && a === reduced && typeof b === 'number') return new Traced(reduced.reg, reduced.shape, true, reduced.scale / b, reduced.dependsOnPred);
    throw new Unsupported(`${op} after a reduction`);
  }
  if (op in UNARY) {
    const x = operand(a);
    const args = op === 'clipByValue' ? `r${x.reg}, ${constant((extra as { lo: number }).lo, (extra as { hi: number }).hi)}u` : `r${x.reg}`;
    return new Traced(emit(`${UNARY[op]}(${args})`), x.shape, false, 1, x.dependsOnPred);
  }
  if (op in BINARY) {
    const [x, y] = [operand(a), operand(b)];
    return new Traced(emit(`${BINARY[op]}(r${x.reg}, r${y.reg})`), x.shape, false, 1, x.dependsOnPred || y.dependsOnPred);
  }
  throw new Unsupported(op);
}

const compiled = new WeakMap<object, Map<string, LossProgram | null>>();

/** fn traced at this shape, or null when it is not a fusable loss (it then runs on the tape). */
export function compileLoss(fn: (yTrue: Tensor, yPred: Tensor) => unknown, shape: Shape): LossProgram | null {
  const key = formatShape(shape);
  let byShape = compiled.get(fn);
  if (!byShape) compiled.set(fn, (byShape = new Map()));
  if (byShape.has(key)) return byShape.get(key)!;
  let program: LossProgram | null = null;
  if (sizeOf(shape) > 0 && active === null) {
    active = { lines: [], consts: [], shape };
    try {
      const yTrue = new Traced(emit('vec2f(t, 0.0)'), shape, false, 1, false);
      const yPred = new Traced(emit('vec2f(p, 1.0)'), shape, false, 1, true);
      const result = fn(yTrue as unknown as Tensor, yPred as unknown as Tensor);
      if (result instanceof Traced && result.reduced && result.shape.length === 0 && result.dependsOnPred) {
        // Registers up to the reduced one; later ones cannot reach the result.
        const lines = active.lines.slice(0, result.reg + 1).map((e, k) => `  let r${k} = ${e};`);
        const body = `fn run_program(t: f32, p: f32) -> vec2f {\n${lines.join('\n')}\n  return r${result.reg};\n}`;
        const consts = [...active.consts, ...new Array<number>(MAX_CONSTANTS - active.consts.length).fill(0)];
        program = { body, consts, scale: result.scale };
      }
    } catch {
      // Not fusable (an op the program cannot express, or an error the tape will report as written).
    } finally {
      active = null;
    }
  }
  byShape.set(key, program);
  return program;
}

/** The kernel `shader` with run_program() replaced by a program's body. */
function specialise(shader: Shader, body: string, id: number): Shader {
  const placeholder = /fn run_program\(t: f32, p: f32\) -> vec2f \{\n {2}return vec2f\(t, p\);\n\}/;
  if (!placeholder.test(shader.code)) throw new Error(`${shader.name}: run_program() placeholder not found`);
  // Same bindings and uniforms; the name keys the pipeline, so each program gets its own.
  return { ...shader, name: `${shader.name}#${id}`, code: shader.code.replace(placeholder, body), sources: undefined };
}

/** Kernels per program body (a body compiles once, whatever its constants). */
const kernels = new Map<string, Kernel<ProgramPass>>();

interface ProgramPass {
  n: number;
  groups: number;
  grad: boolean;
  scale: number;
  consts: number[];
}

function kernelFor(body: string): Kernel<ProgramPass> {
  let k = kernels.get(body);
  if (!k) {
    k = defineKernel({
      shader: specialise(loss_program_forward, body, kernels.size) as typeof loss_program_forward,
      workgroups: (p: ProgramPass) => [p.groups],
      uniforms: ({ n, scale, consts }) => ({ n, perGroup: PER_GROUP, zero: 0, scale, consts }),
      constants: (p) => ({ GRAD: Number(p.grad) }),
    });
    kernels.set(body, k);
  }
  return k;
}

/**
 * The loss's value (its sum, times the program's scale and each slot's weight) into each slot and,
 * when `weight` is a number, dLoss/dyPred times it as a new tensor — one pass over yTrue and yPred.
 */
export function lossProgramPass(p: LossProgram, yTrue: Tensor, yPred: Tensor, slots: readonly { out: Tensor; outIndex: number; accumulate?: boolean; weight?: number }[], weight: number | null = null): Tensor | null {
  const n = yPred.size;
  const groups = Math.ceil(n / PER_GROUP);
  const partials = empty([groups, 2]);
  const grad = weight === null ? null : empty(yPred.shape);
  // Without a gradient the kernel's grad binding is never written; it still needs a buffer.
  const gradBuffer = grad ?? empty([1]);
  kernelFor(p.body).run([yTrue.buffer, yPred.buffer, partials.buffer, gradBuffer.buffer], { n, groups, grad: grad !== null, scale: p.scale * (weight ?? 0), consts: p.consts });
  for (const { out, outIndex, accumulate = false, weight: slotWeight = 1 } of slots) sumPartials(partials, groups, { scale: p.scale * slotWeight, out, outIndex, accumulate });
  // Back to the pool: any later kernel that reuses them is encoded after the sums.
  partials.dispose();
  if (!grad) gradBuffer.dispose();
  return grad;
}
