// Builds the native kernel backend (src/native/binding.gyp) with node-gyp. Run by `npm ci` /
// `npm install` (package.json "install") and by `npm run build:native`. Never fails the install:
// on any error it prints "native backend unavailable: <reason>", records the reason in
// src/native/build/error.txt (shown by `rramsim doctor`) and exits 0, so the wasm backend is used.
// Nothing is downloaded: node-gyp is pointed at the local Node headers (--nodedir = the prefix of
// the running node when <prefix>/include/node/node_api.h exists; else node-gyp's own header cache
// or npm's `nodedir` setting). RRAMSIM_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const errFile = join(here, 'build', 'error.txt');

function giveUp(reason) {
  process.stderr.write(`native backend unavailable: ${reason} (the wasm backend will be used)\n`);
  try {
    mkdirSync(join(here, 'build'), { recursive: true });
    writeFileSync(errFile, `${reason}\n`);
  } catch { /* read-only checkout: the message above is all we can do */ }
  process.exit(0);
}

function nodeGypScript() {
  const cands = [];
  if (process.env.npm_config_node_gyp) cands.push(process.env.npm_config_node_gyp);
  const prefix = dirname(dirname(process.execPath));
  cands.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    const req = createRequire(import.meta.url);
    cands.push(req.resolve('node-gyp/bin/node-gyp.js'));
  } catch { /* not a local dependency */ }
  return cands.find((c) => existsSync(c));
}

if (process.env.RRAMSIM_NATIVE === '0') giveUp('RRAMSIM_NATIVE=0: build skipped');
const gyp = nodeGypScript();
if (!gyp) giveUp('node-gyp not found (npm bundles it; set npm_config_node_gyp to its bin/node-gyp.js)');
const args = [gyp, 'rebuild', '--directory', here];
const prefix = dirname(dirname(process.execPath));
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  // keep the lines that say what went wrong (compiler errors, missing tools), not gyp's boilerplate
  const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error ? String(r.error) : ''}`.split('\n').map((l) => l.trim());
  const boiler = /gyp ERR! (cwd|node -v|node-gyp -v|not ok|System|command|\$npm|Node-gyp failed)|gyp info/;
  const useful = lines.filter((l) => l && !boiler.test(l) && /error|not found|no such|cannot|failed/i.test(l));
  giveUp(`node-gyp rebuild failed (exit ${r.status}): ${(useful.length ? useful.slice(0, 3) : lines.filter(Boolean).slice(-3)).join(' | ')}`);
}
rmSync(errFile, { force: true });
process.stderr.write('native backend built: src/native/build/Release/rramsim_native.node\n');
