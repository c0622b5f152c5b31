/**
 * Decode an ONNX file (a protobuf `onnx.ModelProto`, schema src/onnx/onnx.proto vendored from
 * Debian python3-onnx 1.12.0) with protobufjs, and turn its tensors into typed arrays.
 *
 * Tensors (`TensorProto`): FLOAT (data_type 1) from `raw_data` (little-endian float32) or
 * `float_data`; INT64 (7) from `raw_data` (little-endian int64) or `int64_data`, as JS numbers
 * (exact up to 2^53). Other types and external data are refused with a UserError naming the tensor.
 * A file protobuf cannot decode (truncated inside a field, corrupt), or one without a graph or
 * without the default domain's opset_import (cut off at a field boundary) is a UserError.
 */
import { readFileSync, statSync } from 'node:fs';
import protobuf from 'protobufjs';
import { UserError } from '../util/errors.js';
import { safeToken, withPrintableErrors } from '../util/safe_text.js';
import { ONNX_SCHEMA } from './onnx_schema.js';

/** refuse ONNX files larger than this (the import is for small research networks) */
export const ONNX_MAX_BYTES = 512 * 1024 * 1024;

export interface OnnxTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int64_data?: number[];
  data_location?: number;
  external_data?: unknown[];
}

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name?: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version?: number;
  producer_name?: string;
  producer_version?: string;
  opset_import: { domain?: string; version?: number }[];
  graph: OnnxGraph;
}

let modelType: protobuf.Type | undefined;

/** the ONNX ModelProto message type (decoding here, encoding in export_onnx.ts), built once */
export function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** Decode ModelProto bytes; `what` names the file in errors. */
export function decodeOnnx(bytes: Uint8Array, what: string): OnnxModel {
  let obj: OnnxModel;
  try {
    const msg = modelProto().decode(bytes);
    obj = modelProto().toObject(msg, { longs: Number, arrays: true, defaults: false, enums: Number }) as OnnxModel;
  } catch (err) {
    throw new UserError(`${what}: not a readable ONNX model, truncated or corrupt (protobuf decoding failed: ${(err as Error).message})`, 'model');
  }
  if (!obj.graph || !Array.isArray(obj.graph.node) || obj.graph.node.length === 0) {
    throw new UserError(`${what}: not an ONNX model (no graph with nodes)`, 'model');
  }
  // every ONNX model names the operator set of the default domain; exporters write it after the
  // graph, so a file cut off at a field boundary decodes but lacks it
  if (!(obj.opset_import ?? []).some((o) => !o.domain || o.domain === 'ai.onnx')) {
    throw new UserError(`${what}: not a complete ONNX model, truncated? (no opset_import for the default ai.onnx domain)`, 'model');
  }
  obj.graph.initializer ??= [];
  obj.graph.input ??= [];
  obj.graph.output ??= [];
  for (const n of obj.graph.node) {
    n.input ??= [];
    n.output ??= [];
    n.attribute ??= [];
  }
  return obj;
}

/** Read and decode an ONNX file. */
export function readOnnxFile(path: string): { model: OnnxModel; bytes: Uint8Array } {
  // the path and the file's contents may hold control characters: messages print them escaped
  return withPrintableErrors(() => readFile(path));
}

function readFile(path: string): { model: OnnxModel; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UserError(`onnx: ${path} is not a regular file`, 'model');
    if (st.size > ONNX_MAX_BYTES) throw new UserError(`onnx: ${path} is larger than ${ONNX_MAX_BYTES} bytes (refused)`, 'model');
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`onnx: cannot read ${path}: ${(err as Error).message}`, 'model');
  }
  return { model: decodeOnnx(bytes, path), bytes };
}

const FLOAT = 1;
const INT64 = 7;

function rawView(t: OnnxTensor): DataView {
  const r = t.raw_data!;
  return new DataView(r.buffer, r.byteOffset, r.byteLength);
}

function count(t: OnnxTensor): number {
  return (t.dims ?? []).reduce((a, b) => a * b, 1);
}

function checkStored(t: OnnxTensor, what: string): void {
  if (t.data_location === 1 || (t.external_data && t.external_data.length > 0)) {
    throw new UserError(`${what}: tensor '${t.name}' is stored as external data (not supported: save the model with the weights inside the .onnx file)`, 'model');
  }
}

/** A FLOAT tensor's values. */
export function floatTensor(t: OnnxTensor, what: string): Float32Array {
  checkStored(t, what);
  if (t.data_type !== FLOAT) throw new UserError(`${what}: tensor '${t.name}' has data type ${t.data_type}, only FLOAT (1) is supported for weights`, 'model');
  const n = count(t);
  let out: Float32Array;
  if (t.raw_data && t.raw_data.length > 0) {
    if (t.raw_data.length !== 4 * n) throw new UserError(`${what}: tensor '${t.name}' holds ${t.raw_data.length} bytes, dims ${t.dims.join('x')} need ${4 * n}`, 'model');
    const v = rawView(t);
    out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
  } else {
    out = Float32Array.from(t.float_data ?? []);
    if (out.length !== n) throw new UserError(`${what}: tensor '${t.name}' holds ${out.length} values, dims ${(t.dims ?? []).join('x')} need ${n}`, 'model');
  }
  // a NaN or ±Inf weight would train and evaluate to chance accuracy without a word: refuse it here
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new UserError(`${what}: tensor '${safeToken(t.name ?? '', 60)}' holds a non-finite value (${out[i]}) at flat index ${i} of ${n}; allowed: finite weights only (check the exported model)`, 'model');
    }
  }
  return out;
}

/** An INT64 tensor's values as numbers. */
export function int64Tensor(t: OnnxTensor, what: string): number[] {
  checkStored(t, what);
  if (t.data_type !== INT64) throw new UserError(`${what}: tensor '${t.name}' has data type ${t.data_type}, expected INT64 (7)`, 'model');
  const n = count(t);
  if (t.raw_data && t.raw_data.length > 0) {
    if (t.raw_data.length !== 8 * n) throw new UserError(`${what}: tensor '${t.name}' holds ${t.raw_data.length} bytes, need ${8 * n}`, 'model');
    const v = rawView(t);
    return Array.from({ length: n }, (_, i) => Number(v.getBigInt64(8 * i, true)));
  }
  return [...(t.int64_data ?? [])];
}
