// Merge layers (Keras): a list of tensors → one. add, subtract, multiply, average, maximum and
// minimum combine elementwise with broadcasting (ops/binary.ts), folding left to right:
// y = ((x1 ∘ x2) ∘ x3) ∘ …; concatenate joins along an axis (ops/axis.ts, one copy per input).
// Backward, from the last fold step to the first, with g = dL/dy:
//   add:       dxi = g                       subtract (two inputs): dx1 = g, dx2 = −g
//   average:   dxi = g/n                     multiply, maximum, minimum: each step's binary gradient
//   concatenate: dxi = g's slice of xi along the axis
// each reduced to its input's shape where it was broadcast.
import { Layer, checkOptions, type CallState, type LayerConfig } from './layer.js';
import { binary, binaryGrads, type BinaryOp } from '../ops/binary.js';
import { broadcastShapes } from '../ops/broadcast.js';
import { concat, copy, sliceAxis } from '../ops/axis.js';
import { formatShape, type Shape, type Tensor } from '../tensor.js';
import type { Json } from './config.js';

/** What the elementwise merges share: a list of inputs, Keras's shape rule, the fold and its gradient. */
export abstract class Merge extends Layer {
  /** The binary op each fold step applies. */
  protected abstract readonly op: BinaryOp;

  constructor(config: LayerConfig = {}) {
    super(config);
    checkOptions(this.className, config, []);
  }

  override get arity(): 'list' {
    return 'list';
  }

  protected fail(shapes: readonly Shape[], why: string): Error {
    return new Error(`layer '${this.name}' (${this.className}) cannot merge input shapes ${shapes.map(formatShape).join(', ')}: ${why}`);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (shapes.length < 2) throw this.fail(shapes, 'a merge layer takes a list of at least 2 tensors');
    // Keras broadcasts each axis where the sizes are equal or one of them is 1 (batch axis included).
    return shapes.slice(1).reduce<Shape>((acc, s) => {
      try {
        return broadcastShapes(this.op, acc, s);
      } catch {
        throw this.fail(shapes, 'every axis must have equal sizes or size 1');
      }
    }, shapes[0]);
  }

  override run(inputs: readonly Tensor[], state: CallState): Tensor[] {
    let acc = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      acc = binary(this.op, acc, inputs[i]);
      // Intermediate folds feed the gradients of multiply, maximum and minimum; the model frees them after the step.
      if (i < inputs.length - 1) state.saved.push(acc);
    }
    return [acc];
  }

  override runBackward(dys: readonly Tensor[], inputs: readonly Tensor[], _outputs: readonly Tensor[], state: CallState, need: readonly boolean[]): (Tensor | null)[] {
    const n = inputs.length;
    const dxs: (Tensor | null)[] = new Array(n).fill(null);
    let g = dys[0];
    const made: Tensor[] = [];
    for (let i = n - 1; i >= 1; i--) {
      const acc = i === 1 ? inputs[0] : state.saved[i - 2];
      const [dAcc, dx] = binaryGrads(this.op, acc, inputs[i], g, [need.slice(0, i).some(Boolean), need[i]]);
      dxs[i] = dx;
      if (g !== dys[0]) made.push(g);
      if (!dAcc) return this.#unshared(dxs, dys[0], made);
      g = dAcc;
    }
    dxs[0] = need[0] ? g : null;
    if (!need[0] && g !== dys[0]) made.push(g);
    return this.#unshared(dxs, dys[0], made);
  }

  /**
   * The model needs each gradient in a buffer of its own (a layer downstream may add to it in
   * place): add's gradients are dy itself or views of it, so all but the first get a copy.
   */
  #unshared(dxs: (Tensor | null)[], _dy: Tensor, temporaries: Tensor[]): (Tensor | null)[] {
    const buffers = new Set<GPUBuffer>();
    const out = dxs.map((dx) => {
      if (!dx) return null;
      if (!buffers.has(dx.buffer)) {
        buffers.add(dx.buffer);
        return dx;
      }
      return copy(dx);
    });
    const kept = new Set(out);
    for (const t of temporaries) if (!kept.has(t)) t.dispose();
    return out;
  }
}

export class Add extends Merge {
  static override readonly className = 'Add';
  protected readonly op = 'add';
}

export class Subtract extends Merge {
  static override readonly className = 'Subtract';
  protected readonly op = 'sub';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (shapes.length !== 2) throw this.fail(shapes, `Subtract takes exactly 2 tensors, got ${shapes.length}`);
    return super.computeOutputShape(shapes);
  }
}

export class Multiply extends Merge {
  static override readonly className = 'Multiply';
  protected readonly op = 'mul';
}

export class Maximum extends Merge {
  static override readonly className = 'Maximum';
  protected readonly op = 'maximum';
}

export class Minimum extends Merge {
  static override readonly className = 'Minimum';
  protected readonly op = 'minimum';
}

/** The mean of the inputs: their sum (Add's fold) times 1/n. */
export class Average extends Merge {
  static override readonly className = 'Average';
  protected readonly op = 'add';

  override run(inputs: readonly Tensor[], state: CallState): Tensor[] {
    const [sum] = super.run(inputs, state);
    state.saved.push(sum);
    return [binary('mul', sum, 1 / inputs.length)];
  }

  override runBackward(dys: readonly Tensor[], inputs: readonly Tensor[], outputs: readonly Tensor[], state: CallState, need: readonly boolean[]): (Tensor | null)[] {
    const g = binary('mul', dys[0], 1 / inputs.length);
    const dxs = super.runBackward([g], inputs, outputs, { ...state, saved: state.saved.slice(0, -1) }, need);
    if (!dxs.includes(g)) g.dispose();
    return dxs;
  }
}

export interface ConcatenateConfig extends LayerConfig {
  /** The axis to join along, counting the batch axis as 0; negative counts from the end. Default -1. */
  axis?: number;
}

export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(config: ConcatenateConfig = {}) {
    super(config);
    checkOptions('Concatenate', config, ['axis']);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`concatenate: axis must be an integer, got ${JSON.stringify(config.axis)}`);
  }

  override get arity(): 'list' {
    return 'list';
  }

  /** The axis within the batch's shape (rank = a sample's rank + 1). */
  #batchAxis(shapes: readonly Shape[]): number {
    const rank = shapes[0].length + 1;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) throw this.#fail(shapes, `axis ${this.axis} is not a feature axis of inputs of rank ${rank} (batch included)`);
    return axis;
  }

  #fail(shapes: readonly Shape[], why: string): Error {
    return new Error(`layer '${this.name}' (Concatenate) cannot join input shapes ${shapes.map(formatShape).join(', ')}: ${why}`);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (shapes.length < 2) throw this.#fail(shapes, 'Concatenate takes a list of at least 2 tensors');
    const axis = this.#batchAxis(shapes) - 1;
    const first = shapes[0];
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) throw this.#fail(shapes, `all axes but the concatenation axis (${this.axis}) must match`);
    }
    const out = [...first];
    out[axis] = shapes.reduce((n, s) => n + s[axis], 0);
    return out;
  }

  override run(inputs: readonly Tensor[]): Tensor[] {
    return [concat(inputs, this.#batchAxis(inputs.map((t) => t.shape.slice(1))))];
  }

  override runBackward(dys: readonly Tensor[], inputs: readonly Tensor[], _outputs: readonly Tensor[], _state: CallState, need: readonly boolean[]): (Tensor | null)[] {
    const axis = this.#batchAxis(inputs.map((t) => t.shape.slice(1)));
    let begin = 0;
    return inputs.map((x, i) => {
      const size = x.shape[axis];
      const dx = need[i] ? sliceAxis(dys[0], axis, begin, size) : null;
      begin += size;
      return dx;
    });
  }

  override getConfig(): Json {
    return { axis: this.axis, ...super.getConfig() };
  }
}

export function add(config: LayerConfig = {}): Add {
  return new Add(config);
}

export function subtract(config: LayerConfig = {}): Subtract {
  return new Subtract(config);
}

export function multiply(config: LayerConfig = {}): Multiply {
  return new Multiply(config);
}

export function average(config: LayerConfig = {}): Average {
  return new Average(config);
}

export function maximum(config: LayerConfig = {}): Maximum {
  return new Maximum(config);
}

export function minimum(config: LayerConfig = {}): Minimum {
  return new Minimum(config);
}

export function concatenate(config: ConcatenateConfig = {}): Concatenate {
  return new Concatenate(config);
}
