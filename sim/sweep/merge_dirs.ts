/**
 * `rramsim merge`: joins shard directories of one sweep. Checks every manifest ran the same config
 * (configHash), unites expectedPoints, keeps one record per pointHash (an 'ok' record over a
 * failure) and copies artefacts.
 *
 * Conflicts: two ok records of one pointHash whose metrics differ (timings *Seconds/*Ms excluded,
 * compare_records.ts) cannot both be right, since a point is deterministic. Without a rule the
 * merge is refused (UserError, exit 2) listing each hash and its source directories; `prefer`
 * (a source dir) keeps that dir's record, `onConflict: 'first' | 'last'` keeps the first/last in
 * argument order. Resolved conflicts are returned as warnings.
 *
 * Safety: --out is locked (dir_lock.ts) for the merge; a source directory whose lock is held by a
 * running command is refused (its results are still growing); --out may be one of the sources, and
 * then the lines of its results.jsonl that the merge does not keep move to results.rejected.jsonl
 * (nothing is deleted); otherwise --out must not hold results or another config already.
 * Every source and --out may hold only rramsim's own regular files (dir_contents.ts), checked before
 * anything is read or written; artefacts are copied file by file through the same reader, so a
 * link planted in a source never brings a file from elsewhere into --out.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultRecord } from '../../src/experiment/result.js';
import { ensureDir } from '../../src/util/ensure_dir.js';
import { UserError } from '../../src/util/errors.js';
import { stableStringify } from '../../src/util/hash.js';
import { resultMetrics } from './compare_records.js';
import { acquireDirLock, lockHolder } from './dir_lock.js';
import { type Manifest, MANIFEST, readManifest, RESULTS, writeManifest } from './manifest.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { checkRealDir, readRegularFile } from '../../src/util/read_regular_file.js';
import { ARTIFACT_LIMIT } from '../../src/util/sweep_file_limits.js';
import { checkSweepDirContents } from './dir_contents.js';
import { appendLines, applyResumeSplit, REJECTED, type ScannedLine, scanResults } from './results_file.js';
import { checkOutDir } from './run_sweep.js';

export type ConflictPolicy = 'error' | 'first' | 'last';

export interface MergeOptions {
  onConflict?: ConflictPolicy;
  /** a source directory whose records win conflicts */
  prefer?: string;
  /** messages (stale-lock takeover) */
  log?: (msg: string) => void;
}

export interface MergeOutcome {
  expected: number;
  ok: number;
  failed: number;
  missing: number;
  /** conflicts resolved by `prefer` / `onConflict` (which record was kept) */
  conflicts: string[];
  dropped: string[];
}

interface Src {
  line: ScannedLine;
  rec: ResultRecord;
  dir: string;
}

export function mergeDirs(dirs: string[], out: string, command: string, opts: MergeOptions = {}): MergeOutcome {
  if (dirs.length === 0) throw new UserError('merge: name at least one sweep directory (DIR...)', 'DIR');
  checkOutDir(out);
  const policy = opts.onConflict ?? 'error';
  if (opts.prefer !== undefined && !dirs.some((d) => resolve(d) === resolve(opts.prefer!))) {
    throw new UserError(`--prefer: '${opts.prefer}' is not one of the merged directories (${dirs.join(', ')})`, '--prefer');
  }
  for (const d of [...dirs, out]) checkSweepDirContents(d);
  const manifests = dirs.map((d) => readManifest(d));
  const h0 = manifests[0].configHash;
  manifests.forEach((m, i) => {
    if (m.configHash !== h0) {
      throw new UserError(`merge: '${dirs[i]}' ran config hash ${m.configHash} but '${dirs[0]}' ran ${h0}; only shards of one config can be merged`, 'DIR');
    }
  });
  const outIsSource = dirs.some((d) => resolve(d) === resolve(out));
  ensureDir(out);
  const lock = acquireDirLock(out, command, opts.log ?? (() => undefined));
  try {
    for (const d of dirs) {
      if (resolve(d) === resolve(out)) continue;
      const h = lockHolder(d);
      if (h) throw new UserError(`merge: '${d}' is being written by a running rramsim command (pid ${h.pid} on ${h.hostname}: ${h.command}); merge it when that command has finished`, 'DIR');
    }
    if (!outIsSource) {
      if (scanResults(join(out, RESULTS)).length > 0) throw new UserError(`--out: '${out}' already holds results; choose an empty or new directory`, '--out');
      if (existsSync(join(out, MANIFEST)) && readManifest(out).configHash !== h0) {
        throw new UserError(`--out: '${out}' holds a sweep of another config (hash ${readManifest(out).configHash}, merging ${h0}); choose an empty or new directory`, '--out');
      }
    }
    return mergeLocked(dirs, out, command, manifests, policy, opts.prefer);
  } finally {
    lock.release();
  }
}

/** Copy a point's artefact files, each read as a regular file of at most ARTIFACT_LIMIT (none: nothing). */
function copyArtifacts(src: string, dst: string, hash: string): void {
  if (!checkRealDir(src, `artifacts/${hash}`)) return;
  const files = readdirSync(src);
  if (files.length === 0) return;
  mkdirSync(dst, { recursive: true });
  for (const f of files) {
    const bytes = readRegularFile(join(src, f), { ...ARTIFACT_LIMIT, label: `artifacts/${hash}/${f}` });
    if (bytes !== undefined) writeFileAtomicSync(join(dst, f), bytes);
  }
}

function mergeLocked(dirs: string[], out: string, command: string, manifests: Manifest[], policy: ConflictPolicy, prefer: string | undefined): MergeOutcome {
  const expected = new Map<string, Manifest['expectedPoints'][number]>();
  for (const m of manifests) for (const e of m.expectedPoints) if (!expected.has(e.pointHash)) expected.set(e.pointHash, e);

  const dropped: string[] = [];
  const byHash = new Map<string, Src[]>();
  const scannedOut: ScannedLine[] = [];
  for (const d of dirs) {
    const scanned = scanResults(join(d, RESULTS));
    if (resolve(d) === resolve(out)) scannedOut.push(...scanned);
    for (const s of scanned) {
      if (s.problem) {
        dropped.push(`${d}/${RESULTS} line ${s.line}: ${s.problem}`);
        continue;
      }
      const list = byHash.get(s.record!.pointHash) ?? [];
      list.push({ line: s, rec: s.record!, dir: d });
      byHash.set(s.record!.pointHash, list);
    }
  }

  const chosen: Src[] = [];
  const conflicts: string[] = [];
  const unresolved: string[] = [];
  const backendOf = (s: Src) => s.rec.env?.backend ?? 'wasm (not recorded)';
  for (const [hash, list] of byHash) {
    const oks = list.filter((s) => s.rec.status === 'ok');
    if (oks.length === 0) {
      chosen.push(list[0]);
      continue;
    }
    const variants = new Map<string, Src[]>();
    for (const s of oks) {
      const k = stableStringify(resultMetrics(s.rec.metrics));
      const list = variants.get(k);
      if (list) list.push(s);
      else variants.set(k, [s]);
    }
    if (variants.size === 1) {
      chosen.push(oks[0]);
      continue;
    }
    const desc = [...variants.values()]
      .map((v) => `${[...new Set(v.map((s) => `'${s.dir}'`))].join(', ')} (accuracy ${v[0].rec.metrics!.accuracy}, backend ${backendOf(v[0])})`)
      .join(' vs ');
    const preferred = prefer !== undefined ? oks.find((s) => resolve(s.dir) === resolve(prefer)) : undefined;
    const pick = preferred ?? (policy === 'first' ? oks[0] : policy === 'last' ? oks.at(-1) : undefined);
    if (!pick) {
      unresolved.push(`${hash}: ${desc}`);
      continue;
    }
    chosen.push(pick);
    conflicts.push(`point ${hash}: metrics differ between ${desc}; kept the record of '${pick.dir}' (${preferred ? '--prefer' : `--on-conflict ${policy}`})`);
  }
  if (unresolved.length > 0) {
    const shown = unresolved.slice(0, 20).map((u) => `  ${u}`).join('\n');
    throw new UserError(
      `merge: ${unresolved.length} point(s) have different metrics in different directories (a point is deterministic, so one of them is wrong; ` +
        `a different kernel backend also changes the last digits):\n${shown}${unresolved.length > 20 ? `\n  … and ${unresolved.length - 20} more` : ''}\n` +
        'Check them with `rramsim reproduce DIR`, then merge with --prefer DIR (keep that directory\'s records) or --on-conflict first|last; nothing was written.',
      '--on-conflict',
    );
  }

  mkdirSync(join(out, 'artifacts'), { recursive: true });
  // --out is a source: the lines of its results.jsonl the merge does not keep go to results.rejected.jsonl, never away
  const keptLines = new Set(chosen.filter((c) => resolve(c.dir) === resolve(out)).map((c) => c.line));
  if (scannedOut.length > 0) {
    applyResumeSplit(join(out, RESULTS), join(out, REJECTED), {
      done: new Map(),
      keep: scannedOut.filter((s) => keptLines.has(s)),
      rejected: scannedOut
        .filter((s) => !keptLines.has(s))
        .map((s) => ({ line: s.line, raw: s.raw, reason: s.problem ?? 'merge: another record of this point was kept' })),
    });
  }
  // then the records from the other sources, verbatim (appended to a source --out; else one atomic write)
  const records = chosen.map((c) => c.rec);
  const fromOthers = chosen.filter((c) => resolve(c.dir) !== resolve(out));
  const lines = fromOthers.map((c) => c.line.raw);
  if (dirs.some((d) => resolve(d) === resolve(out))) appendLines(join(out, RESULTS), lines);
  else writeFileAtomicSync(join(out, RESULTS), lines.map((l) => `${l}\n`));
  for (const { rec, dir } of chosen) {
    const src = join(dir, 'artifacts', rec.pointHash);
    const dst = join(out, 'artifacts', rec.pointHash);
    if (resolve(src) !== resolve(dst)) copyArtifacts(src, dst, rec.pointHash);
  }
  const started = manifests.map((m) => m.startedAt).sort()[0];
  const finished = manifests.some((m) => !m.finishedAt) ? null : manifests.map((m) => m.finishedAt!).sort().at(-1)!;
  const checksums: Manifest['datasetChecksums'] = {};
  for (const m of manifests) Object.assign(checksums, m.datasetChecksums);
  writeManifest(out, {
    ...manifests[0],
    datasetChecksums: checksums,
    startedAt: started,
    finishedAt: finished,
    command,
    shard: null,
    mergedFrom: dirs,
    expectedPoints: [...expected.values()],
  });
  const ok = records.filter((r) => r.status === 'ok' && expected.has(r.pointHash)).length;
  const failed = records.filter((r) => r.status === 'failed').length;
  return { expected: expected.size, ok, failed, missing: expected.size - ok - failed, conflicts, dropped };
}
