/**
 * `npm run bench` (= build, then `node dist/sim/bench/main.js [train] [gemm] [crossbar] [sweep]`; no
 * argument = train, gemm, crossbar; `sweep` runs only when named: `npm run bench -- sweep`).
 * Speed lives here, never in tests.
 *
 * Sections (each imported dynamically, when it runs; a section that fails to load stops the bench with
 * one line naming it and the error, exit 1):
 *   train     sim/bench/train.ts     training (plain and crossbar mode) + inference images/s, MLP
 *                                    and LeNet-5, batch 64, 1 thread, alternating with the PyTorch
 *                                    peer run in this invocation (ratios only from this run)
 *   gemm      sim/bench/gemm.ts      GEMM GFLOP/s per backend and shape
 *   crossbar  sim/bench/crossbar.ts  crossbar-op throughput (if present: export benchCrossbar())
 *   sweep     sim/bench/sweep.ts     points/hour of the sweep engine on a fixed subset of the
 *                                    ITT-RNA tables, 1 and 2 workers (minutes; only when named)
 *   cifar     sim/bench/cifar.ts     ResNet-20 and VGG-8s on cifar10-jpeg: training/inference
 *                                    images/s, digital (1 and 2 kernel threads) and on crossbars,
 *                                    RSS, with PyTorch's (torch_cifar.py, 1 thread) in the same
 *                                    run and the ratios (only when named)
 * Output: one JSON object per line (every record, with its section), then a table per section.
 */
type Rec = Record<string, unknown>;

const SECTIONS: { name: string; module: string; fn: string }[] = [
  { name: 'train', module: './train.js', fn: 'benchTrain' },
  { name: 'gemm', module: './gemm.js', fn: 'benchGemm' },
  { name: 'crossbar', module: './crossbar.js', fn: 'benchCrossbar' },
  { name: 'sweep', module: './sweep.js', fn: 'benchSweep' },
  { name: 'line-resistance', module: './line_resistance.js', fn: 'benchLineResistance' },
  { name: 'cifar', module: './cifar.js', fn: 'benchCifar' },
  { name: 'pulsed', module: './pulsed.js', fn: 'benchPulsed' },
];
/** sections run when none is named */
const DEFAULT_SECTIONS = ['train', 'gemm', 'crossbar'];

/**
 * Load a section's module and call its bench function. A module that does not load, or lacks the
 * function, is an error naming the section (never a silent skip: a bench missing a section would
 * read like a complete one).
 */
async function runSection(s: (typeof SECTIONS)[number]): Promise<Rec[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(s.module)) as Record<string, unknown>;
  } catch (e) {
    throw new SectionLoadError(`bench: section '${s.name}' failed to load (${s.module}): ${firstLine(e)}`);
  }
  const fn = mod[s.fn];
  if (typeof fn !== 'function') throw new SectionLoadError(`bench: section '${s.name}' failed to load (${s.module}): it does not export ${s.fn}()`);
  return (await (fn as () => Promise<Rec[]> | Rec[])()) as Rec[];
}

class SectionLoadError extends Error {}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  if (Array.isArray(v)) return v.length > 4 ? `[${v.length}]` : v.map(fmt).join(' ');
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v ?? '');
}

function table(rows: Rec[], cols?: string[]): string {
  const keys = cols ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = [keys, ...rows.map((r) => keys.map((k) => fmt(r[k])))];
  const w = keys.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padStart(w[i])).join('  ');
  return [line(cells[0]), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const want = process.argv.slice(2);
  const unknown = want.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; allowed: ${SECTIONS.map((s) => s.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const tables: string[] = [];
  for (const s of SECTIONS) {
    if (want.length ? !want.includes(s.name) : !DEFAULT_SECTIONS.includes(s.name)) continue;
    process.stderr.write(`bench: ${s.name} …\n`);
    let rows: Rec[];
    try {
      rows = await runSection(s);
    } catch (e) {
      if (!(e instanceof SectionLoadError)) throw e;
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    for (const r of rows) process.stdout.write(`${JSON.stringify({ section: s.name, ...r })}\n`);
    const cols = s.name === 'train'
      ? ['bench', 'model', 'backend', 'imagesPerSec', 'peerImagesPerSec', 'ratio', 'ratioMin', 'ratioMax', 'imagesPerCpuSec', 'peerImagesPerCpuSec', 'cpuRatio', 'cpuRatioMin', 'cpuRatioMax', 'loadAvg1m']
      : s.name === 'gemm'
        ? ['shape', 'backend', 'M', 'N', 'K', 'gflops', 'gflopsCpu', 'msPerCall']
        : s.name === 'sweep'
          ? ['config', 'backend', 'workers', 'points', 'seconds', 'pointsPerHour', 'cpuSeconds', 'pointsPerCpuHour']
          : undefined;
    tables.push(`\n== ${s.name} ==\n${table(rows, cols)}`);
  }
  process.stdout.write(`${tables.join('\n')}\n`);
}

await main();
