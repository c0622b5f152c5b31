/**
 * Merge shard directories into one sweep directory: checks that all shards ran the same config
 * (configHash), unites expectedPoints, keeps one record per pointHash (an 'ok' record over a
 * failure; two 'ok' records whose metrics differ are reported as conflicts), copies artefacts.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultRecord } from '../../src/methods/result.js';
import { UserError } from '../../src/util/errors.js';
import { stableStringify } from '../../src/util/hash.js';
import { type Manifest, readManifest, RESULTS, writeManifest } from './manifest.js';
import { readResults, rewriteResults } from './results_file.js';

export interface MergeOutcome {
  expected: number;
  ok: number;
  failed: number;
  missing: number;
  conflicts: string[];
  dropped: string[];
}

export function mergeDirs(dirs: string[], out: string, command: string): MergeOutcome {
  if (dirs.length === 0) throw new UserError('merge: name at least one sweep directory (DIR...)', 'DIR');
  const manifests = dirs.map((d) => readManifest(d));
  const h0 = manifests[0].configHash;
  manifests.forEach((m, i) => {
    if (m.configHash !== h0) {
      throw new UserError(`merge: '${dirs[i]}' ran config hash ${m.configHash} but '${dirs[0]}' ran ${h0}; only shards of one config can be merged`, 'DIR');
    }
  });
  if (existsSync(join(out, RESULTS)) && statSync(join(out, RESULTS)).size > 0 && !dirs.some((d) => resolve(d) === resolve(out))) {
    throw new UserError(`--out: '${out}' already holds results; choose an empty or new directory`, '--out');
  }
  const expected = new Map<string, Manifest['expectedPoints'][number]>();
  for (const m of manifests) for (const e of m.expectedPoints) if (!expected.has(e.pointHash)) expected.set(e.pointHash, e);

  const chosen = new Map<string, { rec: ResultRecord; dir: string }>();
  const conflicts: string[] = [];
  const dropped: string[] = [];
  dirs.forEach((d) => {
    const { records, dropped: dr } = readResults(join(d, RESULTS));
    for (const x of dr) dropped.push(`${d}/${RESULTS} line ${x.line}: ${x.reason}`);
    for (const r of records) {
      const prev = chosen.get(r.pointHash);
      if (!prev || (prev.rec.status !== 'ok' && r.status === 'ok')) chosen.set(r.pointHash, { rec: r, dir: d });
      else if (prev.rec.status === 'ok' && r.status === 'ok' && stableStringify(prev.rec.metrics) !== stableStringify(r.metrics)) {
        conflicts.push(`point ${r.pointHash}: metrics differ between '${prev.dir}' and '${d}' (kept the first)`);
      }
    }
  });

  mkdirSync(join(out, 'artifacts'), { recursive: true });
  const records = [...chosen.values()].map((c) => c.rec);
  rewriteResults(join(out, RESULTS), records);
  for (const { rec, dir } of chosen.values()) {
    const src = join(dir, 'artifacts', rec.pointHash);
    const dst = join(out, 'artifacts', rec.pointHash);
    if (existsSync(src) && resolve(src) !== resolve(dst) && readdirSync(src).length > 0) cpSync(src, dst, { recursive: true });
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
