/**
 * Report load benchmark: writes a synthetic ~500-point sweep (2 models × 2 datasets × ideal,
 * unaware, fat, ittrna, lora, lori; LoRA ranks 2 and 8; defect rates 5/10/20%; uniform and
 * clustered; 3 seeds = 516 points, with failures, missing points and artefacts), renders its
 * report, and opens it in headless Debian Chromium (playwright-core) RUNS times in fresh pages.
 * Time measured: from navigation start (performance.timeOrigin) to the moment every plot has
 * rendered (window.reportRenderedAt, set by the page script after all Plotly.newPlot promises
 * resolve; plots are drawn one per task), plus the first plot (reportFirstPlotAt), the outside
 * wall time from page.goto() to the last plot, and the renderer processes' CPU time for the load
 * (robust to a busy machine). Reports file size, first (cold) run, median and max, when the page
 * script started (plotly parsed and run), and the 1-minute load average while measuring.
 *
 * Run: `npm run build && node dist/sim/bench/report.js [runs]` (needs /usr/bin/chromium).
 * Also exports benchReport() for sim/bench/main.ts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSyntheticSweep } from '../report/synthetic_sweep.js';
import { writeReport } from '../report/write_report.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * CPU seconds (user + system) used so far by all chromium renderer processes (Linux /proc; 0
 * elsewhere). Unlike wall time this hardly depends on how busy the machine is.
 */
function rendererCpuSeconds(): number {
  let total = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        total += (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in USER_HZ ticks
      } catch {
        /* process ended */
      }
    }
  } catch {
    return 0;
  }
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchReport(runs = 5): Promise<Record<string, unknown>[]> {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-report-bench-'));
  try {
    const sweep = writeSyntheticSweep(dir, {
      models: ['mlp', 'lenet5'],
      datasets: ['mnist', 'fashion-mnist'],
      methods: ['ideal', 'unaware', 'fat', 'ittrna', 'lora', 'lori'],
      ranks: [2, 8],
      rates: [0.05, 0.1, 0.2],
      distributions: ['uniform', 'clustered'],
      seeds: [1, 2, 3],
      failEvery: 37,
      missingEvery: 53,
      artifacts: true,
    });
    const t0 = performance.now();
    const out = await writeReport(dir);
    const writeMs = performance.now() - t0;
    const bytes = statSync(out).size;
    const url = pathToFileURL(out).href;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const inPage: number[] = [];
    const wall: number[] = [];
    const scriptStart: number[] = [];
    const firstPlot: number[] = [];
    const cpu: number[] = [];
    let plots = 0;
    try {
      for (let i = 0; i < runs; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const cpu0 = rendererCpuSeconds();
        const w0 = performance.now();
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForSelector('body[data-rendered]', { timeout: 120_000 });
        wall.push(performance.now() - w0);
        const t = await page.evaluate(() => {
          const g = globalThis as unknown as { reportRenderedAt: number; reportScriptStartedAt: number; reportFirstPlotAt: number };
          return [g.reportScriptStartedAt, g.reportFirstPlotAt, g.reportRenderedAt];
        });
        cpu.push(rendererCpuSeconds() - cpu0);
        scriptStart.push(t[0]);
        firstPlot.push(t[1]);
        inPage.push(t[2]);
        plots = Number(await page.getAttribute('body', 'data-rendered'));
        await page.close();
      }
    } finally {
      await browser.close();
    }
    return [{
      section: 'report',
      points: sweep.points.length,
      plots,
      fileMB: Number((bytes / 1e6).toFixed(2)),
      writeReportMs: Math.round(writeMs),
      runs,
      firstRenderedMs: Math.round(inPage[0]),
      medianScriptStartMs: Math.round(median(scriptStart)),
      medianFirstPlotMs: Math.round(median(firstPlot)),
      medianRenderedMs: Math.round(median(inPage)),
      maxRenderedMs: Math.round(Math.max(...inPage)),
      medianWallMs: Math.round(median(wall)),
      maxWallMs: Math.round(Math.max(...wall)),
      medianRendererCpuMs: Math.round(1000 * median(cpu)),
      loadAverage1m: loadavg()[0],
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 5);
  benchReport(Number.isInteger(runs) && runs > 0 ? runs : 5).then((recs) => {
    for (const r of recs) process.stdout.write(JSON.stringify(r) + '\n');
  });
}
