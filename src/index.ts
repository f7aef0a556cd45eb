/// <reference types="@webgpu/types" preserve="true" />
/// <reference lib="dom" preserve="true" />
// wgslnet's browser-safe entry: nothing in this import graph touches Node built-ins.
// Node users get the same API plus file I/O from 'wgslnet/node' (and 'wgslnet' resolves there in Node).
export { init, context, adapterName, release } from './device.js';
export type { InitOptions, Context, AdapterDescription } from './device.js';
export { Tensor, tensor, empty, write, memory, emptyPool, sizeOf } from './tensor.js';
export type { DType, Shape, HostTensor } from './tensor.js';
export { flush, sync, debug, kernelNames, defineKernel, type Shader, type UniformLayout, type BindingKind } from './runner.js';

// Graph, layers, models
export { input } from './graph.js';
export type { SymbolicTensor } from './graph.js';
export * as layers from './layers/index.js';
export { model, sequential, Model, Sequential } from './model.js';
export type { CompileArgs, LossSpec, DataArg, Outputs, Prediction, AnyModel } from './model.js';
export { History } from './training.js';
export type { FitArgs, EvaluateArgs, Callbacks, Logs } from './training.js';
export type { PredictArgs } from './execution.js';
export { registerLayer } from './layers/registry.js';
export { Layer } from './layers/layer.js';
export type { CallKwargs } from './layers/layer.js';
export type { LayerClass } from './layers/layer.js';
export { optimizers, getOptimizer } from './optimizers.js';
export type { Optimizer, OptimizerOptions, Param } from './optimizers.js';
export { schedules } from './schedules.js';
export { callbacks, Callback, EarlyStopping, ReduceLROnPlateau, ModelCheckpoint } from './callbacks.js';
export type { TrainingParams, EarlyStoppingArgs, ReduceLROnPlateauArgs, ModelCheckpointArgs } from './callbacks.js';
export type { LearningRateSchedule } from './schedules.js';
export type { OptimizerName } from './optimizer_names.js';
export { setRandomSeed, seededRandom } from './initializers.js';
export type { InitializerName, InitializerSpec } from './initializers.js';
export { examples, getExample } from './examples.js';
export type { Example, ExampleName } from './examples.js';

// Saving and loading (TF.js layers format)
export { loadModel, registerIOHandler } from './io/index.js';
export type { IOHandler, ModelArtifacts, ModelJSON, SaveResult, WeightSpec } from './io/index.js';
// ONNX (exporter and importer load on first use)
export { toOnnx, loadOnnx } from './io/index.js';

// Data
export { parseIdx, gunzip } from './data/idx.js';
export { loadFashionMnist, FASHION_MNIST_CLASSES } from './data/fashion-mnist.js';
export type { FashionMnist } from './data/fashion-mnist.js';
export { trainTestSplit, addGaussianNoise, toFloat, flatten, take } from './data/transforms.js';
export { idxBatches, idxDataset, streamFashionMnist } from './data/stream.js';
export type { Batch, IdxStreamOptions } from './data/stream.js';
export { rocAuc, topScores } from './anomaly.js';

// Differentiable ops (TF.js names) and the gradient tape
export {
  add, sub, mul, div, pow, maximum, minimum, squaredDifference,
  neg, exp, log, sqrt, square, abs, reciprocal, relu, sigmoid, tanh, clipByValue,
  sum, mean, max, min, reshape, concat, slice, split, matMul, randomNormal, randomUniform,
} from './math.js';
export type { TensorArg, OperandArg } from './math.js';
export { buildVae, klLoss, reconstructionLoss } from './vae.js';
export type { Vae, VaeOptions } from './vae.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, tidy, keep } from './tape.js';
export type { TensorContainer, Variable } from './tape.js';

// Ops (the kernels, for building your own layers)
export { activationForward, activationBackward } from './ops/activation.js';
export type { ActivationName } from './ops/activation.js';
export { fill, zeros } from './ops/fill.js';
export { matmul, biasGrad } from './ops/matmul.js';
export { conv2d, conv2dBackwardInput, conv2dBackwardFilter, conv2dTranspose, conv2dTransposeBackwardInput, conv2dTransposeBackwardFilter } from './ops/conv2d.js';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } from './ops/pooling.js';
export { upSampling2d, upSampling2dBackward } from './ops/upsampling.js';
export { softmax, softmaxBackward } from './ops/softmax.js';
export { gaussianNoise, dropout, dropoutBackward, randomNormalTensor, randomUniformTensor } from './ops/random.js';
export { binary, binaryGrads, broadcastTo } from './ops/binary.js';
export type { BinaryOp, Operand } from './ops/binary.js';
export { unary, unaryGrad } from './ops/unary.js';
export type { UnaryOp } from './ops/unary.js';
export { reduce, reduceToShape, sliceAxis, sliceAxisBackward, copy } from './ops/axis.js';
export type { ReduceOp } from './ops/axis.js';
export { lossForward, lossBackward } from './ops/loss.js';
export type { LossName } from './ops/loss.js';
export { l1l2Penalty, l1l2Backward, contractivePenalty, contractiveBackward } from './ops/regularizers.js';
export type { L1L2 } from './ops/regularizers.js';
