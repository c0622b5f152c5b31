/**
 * Report entry point: reads DIR (results.jsonl, manifest.json, artifacts/), aggregates over seeds,
 * builds the figures and the table, and writes one self-contained HTML file (default
 * DIR/report.html; `opts.out` overrides). Returns the path written.
 * Throws UserError when DIR is not a sweep directory (no results.jsonl) or its manifest is unreadable.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic_write.js';
import { aggregate } from './aggregate.js';
import { buildFigures } from './figures.js';
import { renderPage } from './html.js';
import { readSweepDir } from './sweep_dir.js';
import { buildTable, tableCsv } from './table.js';

export interface WriteReportOptions {
  /** output file; default DIR/report.html */
  out?: string;
}

export async function writeReport(dir: string, opts: WriteReportOptions = {}): Promise<string> {
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
  const out = opts.out ?? join(dir, 'report.html');
  mkdirSync(dirname(out), { recursive: true });
  // write then rename, so a reader never sees half a report; a failed write (disk full) leaves no temp file
  writeFileAtomicSync(out, html);
  return out;
}
