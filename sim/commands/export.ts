/**
 * `rramsim export SOURCE --out FILE.onnx [--point HASH] [--network point|base] [--weights trained|effective]
 *   [--cache-dir DIR] [--data-dir DIR] [--force]`: write a network as ONNX (src/onnx/export_onnx.ts) for PyTorch-side
 * tools (onnxruntime, deployment flows).
 *
 * SOURCE is
 *   - a sweep directory (manifest.json, results.jsonl, cache/): `--point` names one of its points by
 *     its hash or a unique prefix (at least 6 hex digits). `--network base` writes the point's base
 *     network: the trained ideal network every method of that point starts from, read from
 *     DIR/cache (src/experiment/base.ts; an imported ONNX model: its weights). `--network point`
 *     (default) re-runs the point's method on that cached base (deterministic: the same bits as
 *     the sweep, checked against the recorded accuracy and loss, which are printed) and writes the
 *     network the method ends with: fat's / ittrna's retrained weights, remap's mapping, LoRA's
 *     adapted network with the adapters merged into W (W0 + (α/r)·A·B), …;
 *   - an .onnx file: imported (src/onnx/load_onnx.ts) and written again (a round trip).
 * `--weights trained` (default) writes the logical weights (what the method trained or programmed as
 * its target); `--weights effective` the weights as the crossbar realises them (stuck cells,
 * quantised levels, programming variation: CrossbarMatrixOp.effectiveWeights); only for
 * `--network point`, whose weights sit on crossbars.
 *
 * `--cache-dir DIR`: the base networks are read from DIR instead of SOURCE/cache, as `rramsim sweep
 * --cache-dir DIR` put them there (a Slurm job's shards share FILE-cache, slurm_script.ts).
 * Nothing is trained here: a point whose base network is not in the cache directory is refused (run or
 * --resume the sweep first). The re-run reads a private copy of the cache file in a temporary
 * directory and writes no artefact: the sweep directory is not modified. Multi-task points (mt-*)
 * have no single network and are refused.
 *
 * Bad input (exit 2, one line, before any work and with nothing written): no --out, --point
 * missing/unknown/ambiguous, a flag value outside its choices, a model with a layer that has no
 * ONNX form (named), an output file rramsim did not write (without --force; src/util/output_file.ts:
 * an ONNX file rramsim wrote carries producer_name 'rramsim' in its first bytes). The file is
 * written atomically (src/util/atomic_write.ts). A re-run whose metrics differ from the record (a
 * different kernel backend) is written with a warning naming both.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { datasetShape } from '../../src/data/dataset_shapes.js';
import { loadDataset } from '../../src/data/load.js';
import { baseKey, trainedBase } from '../../src/experiment/base.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { buildModel, isOnnxRef, modelDescOf } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { checkExportable, EXPORT_PRODUCER, EXPORT_WEIGHTS, exportOnnx, type ExportWeights } from '../../src/onnx/export_onnx.js';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { UserError } from '../../src/util/errors.js';
import { checkOutputFile } from '../../src/util/output_file.js';
import { printable } from '../../src/util/safe_text.js';
import { readManifest, RESULTS } from '../sweep/manifest.js';
import { latestByHash, readResults } from '../sweep/results_file.js';
import { rramsimVersion } from '../sweep/run_env.js';

export const EXPORT_NETWORKS = ['point', 'base'] as const;
type ExportNetwork = (typeof EXPORT_NETWORKS)[number];

/** the first bytes of an ONNX file rramsim export wrote: ModelProto field 2 (producer_name) = 'rramsim', encoded early */
const OWN_MARK = `\u0012${String.fromCharCode(EXPORT_PRODUCER.length)}${EXPORT_PRODUCER}`;
export const isOwnOnnx = (head: string) => head.slice(0, 64).includes(OWN_MARK);

interface ExportArgs {
  source: string;
  out?: string;
  point?: string;
  network: string;
  weights: string;
  'cache-dir'?: string;
  'data-dir'?: string;
  force?: boolean;
}

function oneOf<T extends string>(flag: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new UserError(`--${flag} must be one of ${allowed.join(', ')} (got '${printable(String(v))}')`, flag);
  }
  return v as T;
}

/** the manifest's point whose hash is `want` or starts with it (UserError when none or several) */
function findPoint(dir: string, want: string | undefined): { pointHash: string; point: PointSpec } {
  if (want === undefined || !/^[0-9a-f]{6,64}$/.test(want)) {
    throw new UserError(`--point: got ${want === undefined ? 'nothing' : `'${printable(want)}'`}; allowed: a point hash of the sweep (or a unique prefix of at least 6 hex digits), as results.jsonl and \`rramsim list\` show it`, 'point');
  }
  const pts = readManifest(dir).expectedPoints ?? [];
  const hits = pts.filter((p) => p.pointHash.startsWith(want));
  if (hits.length === 0) throw new UserError(`--point: no point of ${printable(dir)} has hash ${want}… (the sweep has ${pts.length} points)`, 'point');
  if (hits.length > 1) throw new UserError(`--point: ${want} is the prefix of ${hits.length} points (${hits.slice(0, 4).map((h) => h.pointHash.slice(0, 16)).join(', ')}…); give more digits`, 'point');
  return hits[0];
}

interface Exported { net: Network; doc: Record<string, unknown>; lines: string[] }

async function fromSweep(dir: string, a: ExportArgs, network: ExportNetwork, weights: ExportWeights, check: () => void): Promise<Exported> {
  const { pointHash, point } = findPoint(dir, a.point);
  if (point.method.startsWith('mt-')) throw new UserError(`--point ${pointHash.slice(0, 12)}: method '${point.method}' trains one chip for several tasks; it has no single network to export`, 'point');
  // the layers first: a model without an ONNX form is refused before data are loaded or anything runs
  const shape = datasetShape(point.dataset);
  if (shape) checkExportable(buildModel(modelDescOf(point.model, { pool: point.pool, input: [...shape] as [number, number, number] }), point.seed));
  check();
  const dataset = await loadDataset(point.dataset, { dataDir: a['data-dir'] });
  const lines: string[] = [];
  const log = (m: string) => process.stderr.write(`  ${printable(m)}\n`);
  const tmp = mkdtempSync(join(tmpdir(), 'rramsim-export-'));
  try {
    const ctx: RunContext = { dataset, cacheDir: tmp, log };
    if (!isOnnxRef(point.model)) {
      // the base must be in the sweep's cache: copy it (the re-run reads the copy and never writes into DIR)
      const name = `base-${baseKey(point, ctx)}.f32`;
      const cacheDir = a['cache-dir'] !== undefined ? resolve(a['cache-dir']) : join(dir, 'cache');
      const cached = join(cacheDir, name);
      if (!existsSync(cached)) {
        throw new UserError(`point ${pointHash.slice(0, 12)}: its base network is not in ${printable(cacheDir)} (${name} missing): run or --resume the sweep first${a['cache-dir'] === undefined ? ', or name the directory it trained its bases into with --cache-dir' : ''} (export trains nothing)`, 'point');
      }
      copyFileSync(cached, join(tmp, name));
    }
    const doc: Record<string, unknown> = { source: 'rramsim sweep', pointHash, network, weights, method: point.method, model: isOnnxRef(point.model) ? point.model.onnx : point.model, dataset: point.dataset };
    let net: Network;
    if (network === 'base') {
      net = await trainedBase(point, ctx);
      lines.push(`base network of point ${pointHash.slice(0, 12)} (${point.method}, seed ${point.seed})`);
    } else {
      let last: Network | undefined;
      const m = await runPoint(point, { ...ctx, onNetwork: (n) => { last = n; } });
      if (!last) throw new UserError(`--point ${pointHash.slice(0, 12)}: method '${point.method}' did not expose its network; use --network base`, 'point');
      net = last;
      const rec = latestByHash(readResults(join(dir, RESULTS)).records.filter((r) => r.status === 'ok')).get(pointHash);
      const same = rec?.metrics && rec.metrics.accuracy === m.accuracy && rec.metrics.loss === m.loss;
      doc.accuracy = m.accuracy;
      doc.loss = m.loss;
      lines.push(`re-ran point ${pointHash.slice(0, 12)} (${point.method}): accuracy ${m.accuracy}, loss ${m.loss}` +
        (rec?.metrics ? (same ? ' = the recorded metrics, bit for bit' : `; WARNING: recorded accuracy ${rec.metrics.accuracy}, loss ${rec.metrics.loss} (another kernel backend? see rramsim reproduce)`) : ' (no ok record of this point in results.jsonl)'));
    }
    return { net, doc, lines };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const command: CommandModule<object, ExportArgs> = {
  command: 'export <source>',
  describe: "write a network as ONNX: a sweep point's network (retrained / adapted, or its base) or an .onnx file again",
  builder: (y: Argv<object>) =>
    y
      .positional('source', { type: 'string', demandOption: true, describe: 'a sweep directory (with --point) or an .onnx file' })
      .option('out', { type: 'string', describe: 'the .onnx file to write (required)' })
      .option('point', { type: 'string', describe: 'the point of the sweep directory: its hash or a unique prefix (>= 6 hex digits)' })
      .option('network', { type: 'string', default: 'point', describe: "'point': the network the point's method ends with (re-run on the cached base); 'base': its base network" })
      .option('weights', { type: 'string', default: 'trained', describe: "'trained': the logical weights; 'effective': as the crossbar realises them (stuck cells, quantisation)" })
      .option('cache-dir', { type: 'string', describe: 'base-network cache directory (default SOURCE/cache), as given to rramsim sweep --cache-dir (e.g. a Slurm job\'s FILE-cache)' })
      .option('data-dir', { type: 'string', describe: 'data directory (as for rramsim sweep)' })
      .option('force', { type: 'boolean', default: false, describe: 'let --out replace an existing file rramsim export did not write' }) as Argv<ExportArgs>,
  handler: async (a) => {
    const network = oneOf('network', a.network ?? 'point', EXPORT_NETWORKS);
    const weights = oneOf('weights', a.weights ?? 'trained', EXPORT_WEIGHTS);
    if (a.out === undefined) throw new UserError('--out: required; give the .onnx file to write', 'out');
    const cacheDir = a['cache-dir'];
    if (cacheDir !== undefined && (cacheDir.trim() === '' || !existsSync(cacheDir) || !statSync(cacheDir).isDirectory())) {
      throw new UserError(`--cache-dir: got '${printable(cacheDir)}'; allowed: the directory the sweep trained its base networks into (rramsim sweep --cache-dir)`, '--cache-dir');
    }
    const out = resolve(a.out);
    const check = () => checkOutputFile(a.out!, { flag: '--out', force: a.force === true, what: 'an ONNX file rramsim export wrote', isOwn: isOwnOnnx });
    const source = resolve(a.source);
    let ex: Exported;
    if (/\.onnx$/i.test(a.source) && !existsSync(join(source, 'manifest.json'))) {
      if (a.point !== undefined || weights === 'effective' || cacheDir !== undefined) throw new UserError(`--point / --weights effective / --cache-dir need a sweep directory; '${printable(a.source)}' is an ONNX file (its network is digital)`, 'source');
      check();
      const imp = loadOnnxNetwork(source);
      ex = { net: imp.net, doc: { source: 'onnx', sha256: imp.sha256 }, lines: [`imported ${printable(a.source)} (sha256 ${imp.sha256.slice(0, 16)}…)`] };
    } else {
      if (network === 'base' && weights === 'effective') throw new UserError("--weights effective: the base network is digital (no crossbar); use --network point (e.g. an 'unaware' point: the base on its defective crossbars)", 'weights');
      ex = await fromSweep(source, a, network, weights, check);
    }
    const version = rramsimVersion();
    const bytes = exportOnnx(ex.net, { weights, version, doc: JSON.stringify({ producer: `rramsim ${version}`, ...ex.doc }) });
    writeFileAtomicSync(out, bytes);
    for (const l of ex.lines) process.stdout.write(`${l}\n`);
    process.stdout.write(`wrote ${printable(out)}: ${ex.net.weightLayers().length} weight layers, ${weights} weights, ${bytes.length} bytes (ONNX opset 13, input [N, ${ex.net.desc.input.join(', ')}])\n`);
  },
};
export default command;
