/**
 * Report entry point: reads DIR (results.jsonl, manifest.json, artifacts/), aggregates over seeds,
 * builds the figures and the table, and writes one self-contained HTML file (default
 * DIR/report.html; `opts.out` overrides). Returns the path written.
 * Throws UserError when DIR is not a sweep directory (no results.jsonl) or its manifest is unreadable,
 * or when the output may not be written (src/util/output_file.ts: its directory is missing, it is on
 * a pseudo file system, or it exists and is not a report rramsim wrote — recognised by isOwnReport —
 * and `force` is not set). The check runs before DIR is read, so a refused output costs nothing.
 */
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { checkOutputFile } from '../../src/util/output_file.js';
import { join } from 'node:path';
import { aggregate } from './aggregate.js';
import { buildFigures } from './figures.js';
import { renderPage } from './html.js';
import { readSweepDir } from './sweep_dir.js';
import { buildTable, tableCsv } from './table.js';

export interface WriteReportOptions {
  /** output file; default DIR/report.html */
  out?: string;
  /** replace an existing output file that is not an rramsim report */
  force?: boolean;
}

/** a report rramsim wrote: the page starts with `<!doctype html>` and its head holds `<title>rramsim report: ` */
export function isOwnReport(head: string): boolean {
  return head.startsWith('<!doctype html>\n') && head.includes('\n<title>rramsim report: ');
}

export async function writeReport(dir: string, opts: WriteReportOptions = {}): Promise<string> {
  const out = opts.out ?? join(dir, 'report.html');
  // (the default DIR/report.html: a missing DIR is reported by readSweepDir, which names it)
  checkOutputFile(out, {
    flag: opts.out !== undefined ? '--out' : 'DIR/report.html',
    force: opts.force === true,
    what: 'a report rramsim wrote',
    isOwn: isOwnReport,
    defaultPath: opts.out === undefined,
  });
  const sweep = readSweepDir(dir);
  const agg = aggregate(sweep.records, sweep.manifest?.expectedPoints);
  const figures = buildFigures(agg, sweep.artifacts, sweep.warnings);
  const table = buildTable(agg);
  const html = renderPage({
    dir,
    agg,
    figures,
    table,
    csv: tableCsv(table),
    rawJsonl: sweep.rawJsonl,
    manifest: sweep.manifest,
    warnings: sweep.warnings,
  });
  // write then rename, so a reader never sees half a report; a failed write (disk full) leaves no temp file
  writeFileAtomicSync(out, html);
  return out;
}
