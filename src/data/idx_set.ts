/**
 * The MNIST-format (IDX) kind of data set entry: open / preflight / check made from an IdxFormat
 * (the entry's `idx`: its four files' known contents, directory names, how to get them) and the
 * entry's normalisation, so an IDX data set's registry entry (sets/mnist.ts, sets/fashion_mnist.ts)
 * is data only.
 *   open       locate.ts (search order of search_path.ts, "holds another data set" recognised among
 *              every registered IDX format), then idx_dataset.ts reads, verifies and parses
 *   preflight  verify_cache.ts: the four files verified once, remembered by (path, size, mtime)
 *   check      every file's content SHA-256 against the known one, the .gz distribution named by MD5
 */
import type { DatasetCheck, FileCheck } from './check.js';
import { identifyGzip, md5Hex, mismatchMessage, type IdxFormat } from './checksums.js';
import { loadIdxDataset, readIdxDataset } from './idx_dataset.js';
import { locateDataset, type LocatedDataset } from './locate.js';
import type { LocateOptions } from './search_path.js';
import type { DatasetContext, DatasetData, DatasetEntry } from './sets/dataset_entry.js';
import { UserError } from '../util/errors.js';
import { verifyDatasetOnce } from './verify_cache.js';

/** every registered IDX format (to recognise a directory or file holding another data set) */
export function idxFormats(ctx: DatasetContext): IdxFormat[] {
  return ctx.all.flatMap((e) => (e.idx ? [e.idx] : []));
}

export function idxSetFunctions(data: DatasetData): Pick<DatasetEntry, 'open' | 'preflight' | 'check'> {
  const format = data.idx;
  if (!format) throw new RangeError(`data set '${data.name}': an IDX entry needs its format (idx)`);
  const norm = data.normalisation;
  return {
    open: (opts, ctx) => {
      const known = idxFormats(ctx);
      const located = locateDataset(format, opts, known);
      return { key: `${format.name}\u0000${located.dir}`, load: () => loadIdxDataset(located, norm, known) };
    },
    preflight: (opts, ctx) => {
      const known = idxFormats(ctx);
      verifyDatasetOnce(locateDataset(format, opts, known), opts.verifyCache, known);
    },
    check: (opts, ctx) => checkIdx(format, opts, idxFormats(ctx)),
  };
}

function checkIdx(format: IdxFormat, opts: LocateOptions, known: readonly IdxFormat[]): DatasetCheck {
  const dataset = format.name;
  let located: LocatedDataset;
  try {
    located = locateDataset(format, opts, known);
  } catch (err) {
    if (err instanceof UserError) return { dataset, available: false, ok: true, files: [], problem: err.message };
    throw err;
  }
  try {
    const raw = readIdxDataset(located, 'report', known);
    const files: FileCheck[] = raw.verification.map((v) => {
      const name = v.path.slice(v.path.lastIndexOf('/') + 1);
      const bytes = raw.fileBytes[name];
      const md5 = md5Hex(bytes);
      const gzipOrigin = name.endsWith('.gz') ? identifyGzip(format, v.file, md5) : undefined;
      return {
        file: name,
        path: v.path,
        ok: v.ok,
        sha256: raw.checksums[name],
        md5,
        ...(gzipOrigin ? { gzipOrigin } : {}),
        ...(v.ok ? {} : { problem: mismatchMessage(dataset, v) }),
      };
    });
    const bad = files.filter((f) => !f.ok);
    return {
      dataset,
      available: true,
      where: located.dir,
      searched: located.searched,
      splits: [
        { name: 'train', n: raw.train.n },
        { name: 'test', n: raw.test.n },
      ],
      ok: bad.length === 0,
      files,
      ...(bad.length ? { problem: bad.map((f) => f.problem).join('\n') } : {}),
    };
  } catch (err) {
    if (err instanceof UserError) {
      return { dataset, available: true, where: located.dir, ok: false, files: [], problem: err.message };
    }
    throw err;
  }
}
