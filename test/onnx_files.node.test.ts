// ONNX files in Node: model.save('onnx://…') and loadOnnx(path), and the bad files loadOnnx refuses
// (each with a message naming what is wrong, and nothing left allocated).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as layers from '../src/layers/index.js';
import { input } from '../src/graph.js';
import { Model } from '../src/model.js';
import { loadOnnx, toOnnx } from '../src/io/index.js';
import { decodeModel, encodeModel, type ModelMsg, type TensorMsg } from '../src/io/onnx/schema.js';
import { memory } from '../src/tensor.js';
import { context } from '../src/device.js';
import { registerOnnxHandler } from '../src/node/onnx.js';
import { expectClose, rng, setup, uniform } from './helpers.js';

let root: string;

beforeAll(async () => {
  await setup();
  registerOnnxHandler();
  root = await mkdtemp(join(tmpdir(), 'wgslnet-onnx-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function convModel(): Model {
  const x = input({ shape: [6, 6, 2] });
  let y = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(x);
  y = layers.maxPooling2d({ poolSize: 2 }).apply(y);
  y = layers.flatten().apply(y);
  y = layers.dense({ units: 4, activation: 'sigmoid' }).apply(y);
  return new Model({ inputs: x, outputs: y, name: 'small' });
}

async function predict(m: Model, x: Float32Array): Promise<Float32Array> {
  const y = await m.predict({ data: x, shape: [2, ...m.inputShape] });
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

describe("model.save('onnx://…') and loadOnnx(path)", () => {
  it('writes the file (directories made) and loads it back by path and by onnx:// URL', async () => {
    const m = convModel();
    const path = join(root, 'nested', 'dir', 'small.onnx');
    const result = await m.save(`onnx://${path}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('ONNX');
    const bytes = await readFile(path);
    expect(result.modelArtifactsInfo.modelTopologyBytes).toBe(bytes.length);
    const x = uniform(2 * 72, 3);
    const expected = await predict(m, x);
    for (const source of [path, `onnx://${path}`, new Uint8Array(bytes)]) {
      const back = await loadOnnx(source);
      expectClose(await predict(back, x), expected, { atol: 1e-6, rtol: 1e-5 }, `loaded from ${typeof source}`);
      back.dispose();
    }
    m.dispose();
  });

  it('names a missing file', async () => {
    await expect(loadOnnx(join(root, 'missing.onnx'))).rejects.toThrow(/cannot read ONNX file '.*missing\.onnx': ENOENT/);
  });
});

/** A small Dense model's ONNX as a plain object, to be damaged by each test. */
async function denseProto(): Promise<ModelMsg> {
  const x = input({ shape: [7] });
  const y = layers.dense({ units: 5, activation: 'relu', name: 'enc' }).apply(x);
  const m = new Model({ inputs: x, outputs: y, name: 'dense' });
  const proto = decodeModel(await toOnnx(m));
  m.dispose();
  return proto;
}

const kernelOf = (p: ModelMsg): TensorMsg => p.graph!.initializer!.find((t) => t.name === 'enc/kernel')!;

/** loadOnnx must reject with `message` and leave no GPU tensor behind. */
async function expectRefused(source: Uint8Array | string, message: RegExp): Promise<void> {
  const before = memory().numTensors;
  await expect(loadOnnx(source)).rejects.toThrow(message);
  expect(memory().numTensors).toBe(before);
}

describe('the Keras-topology metadata', () => {
  it('is ignored where it disagrees with the graph: the graph is what ONNX Runtime runs', async () => {
    const x = input({ shape: [7] });
    const m = new Model({ inputs: x, outputs: layers.dense({ units: 5, activation: 'relu', biasInitializer: 'randomNormal' }).apply(x), name: 'dense' });
    const p = decodeModel(await toOnnx(m));
    const entry = p.metadata_props!.find((e) => e.key === 'wgslnet.keras_topology')!;
    expect(entry.value).toContain('"relu"');
    const xs = uniform(14, 8);
    const expected = await predict2(m, xs);
    for (const value of [entry.value!.replace('"relu"', '"sigmoid"'), '{ not json', JSON.stringify({ class_name: 'Model', config: {} })]) {
      entry.value = value;
      const back = await loadOnnx(encodeModel(p));
      expect(await predict2(back, xs)).toEqual(expected);
      back.dispose();
    }
    m.dispose();
  });
});

describe('loadOnnx refuses bad files with a clear error, allocating nothing', () => {
  it('a truncated file and files that are not ONNX', async () => {
    const bytes = encodeModel(await denseProto());
    await expectRefused(bytes.subarray(0, bytes.length - 37), /loadOnnx: the ONNX bytes is not an ONNX model/);
    await expectRefused(new TextEncoder().encode('{"modelTopology": {}}'), /is not an ONNX model/);
    await expectRefused(new Uint8Array(0), /is not an ONNX model/);
    const path = join(root, 'truncated.onnx');
    await writeFile(path, bytes.subarray(0, 100));
    await expectRefused(path, /'.*truncated\.onnx' is not an ONNX model/);
  });

  it('an unsupported op, naming the op and the node', async () => {
    const p = await denseProto();
    p.graph!.node!.push({ op_type: 'LSTM', name: 'rnn1', input: [p.graph!.output![0].name!], output: ['h'] });
    await expectRefused(encodeModel(p), /node 'rnn1' \(LSTM\) is not supported; wgslnet imports Conv, ConvTranspose, Gemm/);
    const q = await denseProto();
    q.graph!.node![0].domain = 'com.microsoft';
    await expectRefused(encodeModel(q), /\(Gemm\) in domain 'com.microsoft' is not supported/);
  });

  it('an opset too old or too new', async () => {
    for (const [version, why] of [[9, /opset 9, too old: wgslnet reads opsets 13–22/], [30, /opset 30, newer than wgslnet reads \(13–22\)/]] as const) {
      const p = await denseProto();
      p.opset_import = [{ domain: '', version }];
      await expectRefused(encodeModel(p), why);
    }
  });

  it('initializers whose shapes contradict the graph or their own data', async () => {
    const p = await denseProto();
    kernelOf(p).dims = [6, 5];
    kernelOf(p).raw_data = new Uint8Array(6 * 5 * 4);
    await expectRefused(encodeModel(p), /initializer 'enc\/kernel' \(weight of node '.*' \(Gemm\)\) has shape \[6, 5\] but its input has 7 features/);
    const q = await denseProto();
    kernelOf(q).raw_data = kernelOf(q).raw_data!.subarray(0, 20);
    await expectRefused(encodeModel(q), /initializer 'enc\/kernel' has 20 bytes of data but its dims \[7, 5\] need 140/);
    const r = await denseProto();
    r.graph!.output![0].type!.tensor_type!.shape!.dim![1] = { dim_value: 6 };
    await expectRefused(encodeModel(r), /graph output '.*' is declared \[batch, 6\] but the graph computes \[batch, 5\]/);
  });

  it('external data: read from inside the model folder, refused outside it', async () => {
    const folder = join(root, 'external');
    await mkdir(folder, { recursive: true });
    const p = await denseProto();
    const kernel = kernelOf(p);
    await writeFile(join(folder, 'weights.bin'), Buffer.concat([Buffer.alloc(8), Buffer.from(kernel.raw_data!)]));
    const external = (location: string) => {
      const e = structuredClone(p);
      const k = kernelOf(e);
      delete k.raw_data;
      k.data_location = 1;
      k.external_data = [{ key: 'location', value: location }, { key: 'offset', value: '8' }, { key: 'length', value: String(7 * 5 * 4) }];
      return encodeModel(e);
    };
    const x = uniform(14, 5);
    const expected = await (async () => {
      const m = await loadOnnx(encodeModel(p));
      const v = await predict2(m, x);
      m.dispose();
      return v;
    })();
    await writeFile(join(folder, 'ok.onnx'), external('weights.bin'));
    const m = await loadOnnx(join(folder, 'ok.onnx'));
    expect(await predict2(m, x)).toEqual(expected);
    m.dispose();

    await writeFile(join(root, 'secret.bin'), Buffer.alloc(140));
    for (const location of ['../secret.bin', join(root, 'secret.bin'), 'sub/../../secret.bin']) {
      await writeFile(join(folder, 'bad.onnx'), external(location));
      await expectRefused(join(folder, 'bad.onnx'), /external data location '.*' is outside the model's folder/);
    }
    await symlink(join(root, 'secret.bin'), join(folder, 'link.bin'));
    await writeFile(join(folder, 'link.onnx'), external('link.bin'));
    await expectRefused(join(folder, 'link.onnx'), /external data 'link\.bin' of '.*' resolves outside the model's folder/);
    // Bytes alone have no folder to look in.
    await expectRefused(external('weights.bin'), /keeps its values in the external file 'weights\.bin': load the model from its file or URL/);
  });

  it('a file larger than the adapter can hold, and one over maxWeightBytes', async () => {
    const p = await denseProto();
    const k = kernelOf(p);
    const limit = Math.min(context().limits.maxStorageBufferBindingSize, context().limits.maxBufferSize);
    // Declared through external data, so the test file stays small: refused from the dims alone.
    const units = Math.ceil(limit / 4 / 7) + 1;
    k.dims = [7, units];
    delete k.raw_data;
    k.data_location = 1;
    k.external_data = [{ key: 'location', value: 'huge.bin' }];
    const path = join(root, 'huge.onnx');
    await writeFile(path, encodeModel(p));
    await expectRefused(path, new RegExp(`initializer 'enc/kernel' \\[7, ${units}\\] is ${7 * units * 4} bytes; this adapter's buffers hold at most ${limit} bytes`));
    const before = memory().numTensors;
    await expect(loadOnnx(encodeModel(await denseProto()), { maxWeightBytes: 100 })).rejects.toThrow(/declares 160 bytes of initializers, over the limit of 100 bytes \(loadOnnx\(source, \{ maxWeightBytes \}\) raises it\)/);
    expect(memory().numTensors).toBe(before);
  });
});

async function predict2(m: Model, x: Float32Array): Promise<number[]> {
  const y = await m.predict({ data: x, shape: [2, ...m.inputShape] });
  const v = Array.from(await y.data());
  y.dispose();
  return v;
}

describe('damaged files (seeded mutations)', () => {
  it('every mutation of a valid file loads or fails with a loadOnnx error, leaving no tensor behind', async () => {
    const x = input({ shape: [4, 4, 2] });
    let y = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
    y = layers.maxPooling2d({ poolSize: 2 }).apply(y);
    y = layers.flatten().apply(y);
    y = layers.dense({ units: 3 }).apply(y);
    const m = new Model({ inputs: x, outputs: y, name: 'fuzz' });
    const p = decodeModel(await toOnnx(m));
    delete p.metadata_props;
    const good = encodeModel(p);
    m.dispose();
    const random = rng(1234);
    const odd: string[] = [];
    const before = memory().numTensors;
    for (let k = 0; k < 300; k++) {
      const bytes = new Uint8Array(good);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        (await loadOnnx(bytes)).dispose();
      } catch (e) {
        const message = (e as Error).message;
        if (!/^loadOnnx: /.test(message)) odd.push(`${(e as Error).name}: ${message}`);
      }
    }
    // Structural damage: numbers in attributes and dims, inputs and ops swapped or dropped.
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    for (let k = 0; k < 300; k++) {
      const q = structuredClone(p);
      const node = pick(q.graph!.node!);
      const what = Math.floor(random() * 5);
      if (what === 0) {
        const a = pick(node.attribute ?? [{}]);
        if (a.ints) a.ints = a.ints.map(() => Math.floor(random() * 7) - 2);
        if (a.i !== undefined) a.i = Math.floor(random() * 7) - 2;
      } else if (what === 1) {
        const t = pick(q.graph!.initializer!);
        t.dims = t.dims!.map((d) => (random() < 0.5 ? d : Math.floor(random() * 6)));
      } else if (what === 2) node.input = node.input!.slice(0, Math.floor(random() * node.input!.length));
      else if (what === 3) node.op_type = pick(q.graph!.node!).op_type;
      else node.input = node.input!.map((n) => (random() < 0.5 ? n : pick(q.graph!.node!).output![0]));
      try {
        (await loadOnnx(encodeModel(q))).dispose();
      } catch (e) {
        const message = (e as Error).message;
        if (!/^loadOnnx: /.test(message)) odd.push(`${(e as Error).name}: ${message} [${node.op_type} mutation ${what}]`);
      }
    }
    expect(odd).toEqual([]);
    expect(memory().numTensors).toBe(before);
  });
});
