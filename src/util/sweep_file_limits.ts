/**
 * The largest file rramsim reads from a sweep directory, per kind (read through
 * read_regular_file.ts; anything larger is refused, exit 2, naming the file):
 *   results.jsonl        500 MiB: a 100,000-point sweep at ≈ 5 KB per record (the largest records
 *                        written, multitask ones with their accuracy matrix, are ≈ 4 KB); also the
 *                        largest text Node holds as one string (≈ 512 MiB) keeps it below that
 *   manifest.json        500 MiB: config + expectedPoints, ≈ one point per expected point (≈ 4 KB)
 *   .rramsim.lock        64 KiB:  { pid, hostname, command, startedAt }
 *   artifacts/<h>/*.json 256 MiB: a defect tile (≤ 2²² cells) or an importance map of one layer
 *   cache/base-*.f32     512 MiB + 64 B: the largest model (2²⁷ float32 weights) and its header;
 *                        src/experiment/base.ts reads one only at the exact size of its network
 */
import type { RegularFileLimit } from './read_regular_file.js';

const MiB = 1024 * 1024;

export const RESULTS_LIMIT: RegularFileLimit = { label: 'results.jsonl', maxBytes: 500 * MiB };
export const MANIFEST_LIMIT: RegularFileLimit = { label: 'manifest.json', maxBytes: 500 * MiB };
export const LOCK_LIMIT: RegularFileLimit = { label: '.rramsim.lock', maxBytes: 64 * 1024 };
export const ARTIFACT_LIMIT: RegularFileLimit = { label: 'artifact', maxBytes: 256 * MiB };
export const CACHE_FILE_LIMIT: RegularFileLimit = { label: 'cache file', maxBytes: 4 * 2 ** 27 + 64 };
