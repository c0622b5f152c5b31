/**
 * A model given by reference instead of by description: `{ onnx: path, sha256? }`, a network
 * imported from an ONNX file. The network layer knows only the reference's shape; the importer
 * that turns a reference into a description lives above it (src/onnx/onnx_ref.ts) and registers
 * itself here when loaded, so src/nn never imports src/onnx:
 *     resolveModelRef(ref) = the registered resolver's { label, desc } of ref
 * A reference met before any resolver is registered is an Error naming the module to import.
 */
import type { ModelDesc } from './model.js';

export interface OnnxModelRef {
  /** path of the .onnx file (in a point: relative to the working directory, or absolute) */
  onnx: string;
  /** SHA-256 (hex) of the file; filled in by the planner */
  sha256?: string;
}

export function isOnnxRef(m: unknown): m is OnnxModelRef {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && Object.hasOwn(m, 'onnx');
}

/** what the network layer needs of a referenced model */
export interface ModelRefResolver {
  /** the label of reports and progress lines, e.g. `<name>.onnx` */
  label(ref: OnnxModelRef): string;
  /** the imported network's description (layers, input [C, H, W]) */
  desc(ref: OnnxModelRef): ModelDesc;
}

let resolver: ModelRefResolver | undefined;

/** install the resolver of ONNX references (src/onnx/onnx_ref.ts does this when loaded) */
export function registerModelRefResolver(r: ModelRefResolver): void {
  resolver = r;
}

export function modelRefResolver(): ModelRefResolver {
  if (!resolver) throw new Error("a model given as { onnx: path } needs the ONNX importer: import src/onnx/onnx_ref.ts (the package's entry does) before building it");
  return resolver;
}
