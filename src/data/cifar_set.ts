/**
 * The CIFAR-10 binary kind of data set entry (cifar10, cifar10-jpeg): open / preflight / check made
 * from the entry's CifarFormat (directory names, per-file SHA-256 when known) and its
 * normalisation, so such a registry entry is data only.
 *   open       locateCifar (search_path.ts's order), then loadCifarDataset reads and checks the six
 *              files (a file holding another registered CIFAR format's content is named)
 *   preflight  locate only (reading 180 MB before every sweep would cost more than it saves)
 *   check      each file: structure (whole 3,073-byte records, 10,000 per file, labels < 10), then its
 *              content SHA-256 against the known one; without known checksums, the official layout's
 *              class balance instead, and no file may be another registered format's content
 */
import type { DatasetCheck, FileCheck } from './check.js';
import { md5Hex } from './checksums.js';
import {
  CIFAR_CLASSES, CIFAR_FILES, CIFAR_RECORDS_PER_FILE, CIFAR_TEST_FILE, loadCifarDataset, locateCifar, parseCifarRecords, readCifarFile,
  type CifarFormat, type LocatedCifar,
} from './cifar10.js';
import type { LocateOptions } from './search_path.js';
import type { DatasetContext, DatasetData, DatasetEntry } from './sets/dataset_entry.js';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';

/** every registered CIFAR format */
export function cifarFormats(ctx: DatasetContext): CifarFormat[] {
  return ctx.all.flatMap((e) => (e.cifar ? [e.cifar] : []));
}

export function cifarSetFunctions(data: DatasetData): Pick<DatasetEntry, 'open' | 'preflight' | 'check'> {
  const format = data.cifar;
  if (!format) throw new RangeError(`data set '${data.name}': a CIFAR entry needs its format (cifar)`);
  return {
    open: (opts, ctx) => {
      const located = locateCifar(format, opts);
      const known = cifarFormats(ctx);
      return { key: `${format.name}\u0000${located.dir}`, load: () => loadCifarDataset(located, data.normalisation, known) };
    },
    preflight: (opts) => {
      locateCifar(format, opts);
    },
    check: (opts, ctx) => checkCifar(format, opts, cifarFormats(ctx)),
  };
}

function checkCifar(format: CifarFormat, opts: LocateOptions, known: readonly CifarFormat[]): DatasetCheck {
  const dataset = format.name;
  let located: LocatedCifar;
  try {
    located = locateCifar(format, opts);
  } catch (err) {
    if (err instanceof UserError) return { dataset, available: false, ok: true, files: [], problem: err.message };
    throw err;
  }
  const files: FileCheck[] = [];
  const counts = { train: 0, test: 0 };
  const classes = { train: new Array<number>(CIFAR_CLASSES).fill(0), test: new Array<number>(CIFAR_CLASSES).fill(0) };
  for (const f of CIFAR_FILES) {
    const path = located.files[f];
    const name = path.slice(path.lastIndexOf('/') + 1);
    try {
      const fb = readCifarFile(path);
      const sha256 = sha256Hex(fb.fileBytes);
      const md5 = md5Hex(fb.fileBytes);
      const recs = parseCifarRecords(fb.content, path, CIFAR_RECORDS_PER_FILE);
      const part = f === CIFAR_TEST_FILE ? 'test' : 'train';
      counts[part] += recs.n;
      for (let i = 0; i < recs.n; i++) classes[part][recs.labels[i]]++;
      const contentSha = fb.gzipped ? sha256Hex(fb.content) : sha256;
      const expected = format.sha256?.[f];
      const other = expected === undefined ? known.find((k) => k.name !== dataset && k.sha256?.[f] === contentSha) : undefined;
      const problem = expected !== undefined && contentSha !== expected
        ? `checksum mismatch for ${path}: the SHA-256 of its content (after gunzip) is ${contentSha}, expected ${expected} (${dataset} ${f}${format.sha256Source ? `, ${format.sha256Source}` : ''})`
        : other ? `${path} is ${other.title} (SHA-256 ${contentSha}), not ${format.title}: use dataset '${other.name}' for it` : undefined;
      files.push({ file: name, path, ok: problem === undefined, sha256, md5, ...(problem ? { problem } : {}) });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      files.push({ file: name, path, ok: false, sha256: '', md5: '', problem: err.message });
    }
  }
  const problems = files.filter((f) => !f.ok).map((f) => f.problem!);
  if (format.sha256 === undefined && problems.length === 0) {
    for (const part of ['train', 'test'] as const) {
      const per = counts[part] / CIFAR_CLASSES;
      if (classes[part].some((c) => c !== per)) {
        problems.push(`${dataset} (${located.dir}): the ${part} files hold class counts ${classes[part].join(', ')}; the official release has exactly ${per} per class`);
      }
    }
  }
  return {
    dataset,
    available: true,
    where: located.dir,
    searched: located.searched,
    splits: [
      { name: 'train', n: counts.train },
      { name: 'test', n: counts.test },
    ],
    ok: problems.length === 0,
    files,
    verifiedBy: format.sha256 ? 'checksum' : 'structure',
    ...(problems.length ? { problem: problems.join('\n') } : {}),
  };
}
