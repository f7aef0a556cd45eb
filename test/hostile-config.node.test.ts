// Hostile values in a model's topology, by class: each is a plain Error naming the layer (or the
// topology field) and the bad value, never a TypeError from code that trusted the file. The fuzz
// test (fuzz-load.node.test.ts) finds these at random; these cases pin the messages.
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromTopology } from '../src/io/serialization.js';
import { BUILTIN_LAYERS } from '../src/layers/index.js';
import { Dense } from '../src/layers/dense.js';
import { pair } from '../src/ops/shapes.js';
import { setup } from './helpers.js';

type Json = Record<string, unknown>;

/** A functional topology: an input of `shape`, then one layer of `className` with `config`. */
function topology(className: string, config: unknown, shape: number[] = [4], extra: Json = {}): Json {
  return {
    class_name: 'Model',
    config: {
      name: 'm',
      layers: [
        { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, ...shape] }, inbound_nodes: [] },
        { name: 'l', class_name: className, config, inbound_nodes: [[['in', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['l', 0, 0]],
      ...extra,
    },
  };
}

/** The error a call throws, checked to be a plain Error (not a TypeError from trusting the file). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect((e as Error).constructor, String(e)).toBe(Error);
    return e as Error;
  }
  throw new Error('expected an error');
}

beforeAll(setup);

describe('a topology with hostile values gives an Error naming the layer and the value', () => {
  it('a layer config that is not an object', () => {
    expect(errorOf(() => modelFromTopology(topology('Dense', 'same'))).message).toBe(`layer 'l' (Dense): config must be an object, got "same"`);
    expect(errorOf(() => modelFromTopology(topology('Dense', [2]))).message).toBe(`layer 'l' (Dense): config must be an object, got [2]`);
    expect(errorOf(() => modelFromTopology({ class_name: 'Model', config: 'x' })).message).toBe(`Model topology: config must be an object, got "x"`);
    // Straight through the API too: every layer class refuses a config that is not an object.
    expect(errorOf(() => Dense.fromConfig(null as never)).message).toBe(`layer 'undefined' (Dense): config must be an object, got null`);
    for (const cls of BUILTIN_LAYERS) expect(errorOf(() => cls.fromConfig(null as never)).message).toContain(`(${cls.className}): `);
  });

  it('a size that is neither a number nor a list of 2', () => {
    expect(errorOf(() => modelFromTopology(topology('Conv2D', { filters: 1, kernel_size: { a: 1 } }, [4, 4, 1]))).message).toBe(`layer 'l' (Conv2D): Conv2D kernelSize must be a positive integer or a list of 2, got {"a":1}`);
    expect(errorOf(() => modelFromTopology(topology('MaxPooling2D', { pool_size: 'same' }, [4, 4, 1]))).message).toBe(`layer 'l' (MaxPooling2D): MaxPooling2D poolSize must be a positive integer or a list of 2, got "same"`);
    expect(errorOf(() => pair(null as never, 'strides')).message).toBe('strides must be a positive integer or a list of 2, got null');
    expect(pair([2, 3], 'strides')).toEqual([2, 3]);
  });

  it('inbound nodes, input_layers and output_layers that are not [layer, node, tensor] lists', () => {
    const t = topology('Dense', { units: 2 });
    (t.config as Json).layers = [((t.config as Json).layers as Json[])[0], { name: 'l', class_name: 'Dense', config: { units: 2 }, inbound_nodes: [[['in', -1, 0, {}]]] }];
    expect(errorOf(() => modelFromTopology(t)).message).toBe(`cannot read inbound tensor ["in",-1,0,{}]: expected [layer name, node index, tensor index]`);
    expect(errorOf(() => modelFromTopology(topology('Dense', { units: 2 }, [4], { output_layers: 'l' }))).message).toBe(`functional topology: output_layers must be a list of [layer name, node index, tensor index], got "l"`);
    expect(errorOf(() => modelFromTopology(topology('Dense', { units: 2 }, [4], { input_layers: [['in', 'x', 0]] }))).message).toBe(`cannot read inbound tensor ["in","x",0]: expected [layer name, node index, tensor index]`);
    expect(errorOf(() => modelFromTopology(topology('Dense', { units: 2 }, [4], { layers: [null] }))).message).toBe(`a topology's layer entry must be an object, got null`);
    expect(errorOf(() => modelFromTopology({ class_name: 'Sequential', config: { layers: ['x'] } })).message).toBe(`a topology's layer entry must be an object, got "x"`);
  });

  it('serialized options whose config is not an object or whose factors are not numbers', () => {
    expect(errorOf(() => modelFromTopology(topology('Dense', { units: 2, kernel_regularizer: { class_name: 'L1L2', config: 'x' } }))).message).toBe(`layer 'l' (Dense): kernel_regularizer config must be an object, got "x"`);
    expect(errorOf(() => modelFromTopology(topology('Dense', { units: 2, kernel_regularizer: { class_name: 'L2', config: { l2: 'x' } } }))).message).toBe(`layer 'l' (Dense): kernel_regularizer l2 must be a non-negative number, got "x"`);
    expect(errorOf(() => Dense.fromConfig({ name: 'd', units: 2, kernelInitializer: { className: 'Zeros', config: [] } })).message).toBe(`layer 'd' (Dense): kernel_initializer config must be an object, got []`);
  });

  it("every layer class's saved config, each option replaced by hostile values: a layer or an Error", () => {
    const hostile: unknown[] = [0, -1, 1.5, null, true, '', 'x', [], {}, [[]], [-1], [1, 2, 3], '__proto__', 'toString', { className: 'x', config: null }, { className: 'L1L2', config: 'x' }, [null]];
    const starts: Json[] = [{}, { units: 3 }, { filters: 2, kernelSize: 2 }, { targetShape: [4] }, { rate: 0.5 }, { stddev: 0.1 }, { n: 2 }, { dims: [1] }, { batchInputShape: [null, 4] }];
    let tried = 0;
    for (const cls of BUILTIN_LAYERS) {
      const base = starts.map((c) => {
        try {
          return cls.fromConfig(structuredClone(c)).getConfig();
        } catch {
          return undefined;
        }
      }).find(Boolean);
      expect(base, `a valid config of ${cls.className}`).toBeDefined();
      for (const key of Object.keys(base!)) for (const h of hostile) {
        tried++;
        try {
          cls.fromConfig({ ...structuredClone(base!), [key]: structuredClone(h) });
        } catch (e) {
          expect((e as Error).constructor, `${cls.className} ${key}=${JSON.stringify(h)}: ${String(e)}`).toBe(Error);
        }
      }
    }
    expect(tried).toBeGreaterThan(500);
  });
});
