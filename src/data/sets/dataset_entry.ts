/**
 * What a data set is to rramsim: one registry entry (one file per data set in this folder, one
 * registration line in registry.ts). An entry holds everything that used to be spread over lists:
 *
 *   name, describe     the config / CLI value and a one-line description (`rramsim data check`, --help)
 *   shape, classes     per-example [C, H, W] and the label count, known before loading (planning checks)
 *   splits             sizes of `train` and of the eval split (its name: 'test', or 'heldout' when the
 *                      data set has no official test images, as mnist-embedded)
 *   normalisation      per-channel mean and std of pixel/255: the model sees (p/255 − mean_ch)/std_ch
 *   checksums          what is verified, and the known SHA-256 per file
 *   idx / cifar        the format description of a file-based data set (where it is looked for:
 *                      --data-dir, RRAMSIM_DATA, the default directories of search_path.ts)
 *   open / preflight / check   the loader: locate (+ cache key) then load; verify before any work;
 *                      the `data check` report (never throws for absent or bad data)
 *
 * The format kinds (idx_set.ts, cifar_set.ts, embedded_set.ts) make open/preflight/check from the
 * entry's own data (`defineDataset(data, kind)`: its format description and its normalisation,
 * each written once), so a new data set in a known format is data only; a new format brings its
 * own three functions (test/data/dataset_registry_recipe.test.ts registers a made-up one).
 */
import type { DatasetCheck } from '../check.js';
import type { CifarFormat } from '../cifar10.js';
import type { IdxFormat } from '../checksums.js';
import type { Dataset } from '../dataset.js';
import type { Normalisation } from '../pixel_coding.js';
import type { LocateOptions } from '../search_path.js';

/** what the entry functions may know of the others: every registered entry (to recognise another data set's files) */
export interface DatasetContext {
  readonly all: readonly DatasetEntry[];
}

export interface PreflightOptions extends LocateOptions {
  /** the verified-data cache file (verify_cache.ts); default: the user's cache directory */
  verifyCache?: string;
}

/** a located data set: its cache identity and how to read it */
export interface OpenedDataset {
  /** identity of what would be read (the name and resolved directory): equal keys share one loaded copy */
  readonly key: string;
  load(): Dataset;
}

export interface DatasetEntry<N extends string = string> {
  readonly name: N;
  /** one line: what it is and where it comes from */
  readonly describe: string;
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly splits: { readonly train: number; readonly eval: { readonly name: 'test' | 'heldout'; readonly n: number } };
  readonly normalisation: Normalisation;
  readonly checksums: {
    /** what is compared (e.g. "SHA-256 of each file's IDX content, after gunzip") */
    readonly rule: string;
    /** file -> known SHA-256; empty when none is published (then structure is checked) */
    readonly files: Readonly<Record<string, string>>;
  };
  /** format descriptions, so other entries can recognise this data set's files */
  readonly idx?: IdxFormat;
  readonly cifar?: CifarFormat;
  /** locate (UserError naming where it looked when absent) */
  open(opts: LocateOptions, ctx: DatasetContext): OpenedDataset;
  /** cheap checks before any point runs (sweep preflight); UserError when the data are absent or bad */
  preflight(opts: PreflightOptions, ctx: DatasetContext): void;
  /** the `rramsim data check` report; never throws for absent or bad data */
  check(opts: LocateOptions, ctx: DatasetContext): DatasetCheck;
}

/** an entry's data: everything but its loader functions */
export type DatasetData<N extends string = string> = Omit<DatasetEntry<N>, 'open' | 'preflight' | 'check'>;

/** a format kind: the loader functions made from an entry's data (its format and normalisation) */
export type DatasetKind = (data: DatasetData) => Pick<DatasetEntry, 'open' | 'preflight' | 'check'>;

/**
 * An entry, with its name kept as a literal type (the registry derives `DatasetName` from it):
 * either whole, or its data and the kind that makes its loader functions from that data.
 */
export function defineDataset<const N extends string>(entry: DatasetEntry<N>): DatasetEntry<N>;
export function defineDataset<const N extends string>(data: DatasetData<N>, kind: DatasetKind): DatasetEntry<N>;
export function defineDataset<const N extends string>(data: DatasetEntry<N> | DatasetData<N>, kind?: DatasetKind): DatasetEntry<N> {
  return kind ? { ...data, ...kind(data) } : (data as DatasetEntry<N>);
}
