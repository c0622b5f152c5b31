// Builds the native kernel backend (src/native/binding.gyp) with node-gyp. Run by `npm ci` /
// `npm install` (package.json "install") and by `npm run build:native`. Never fails the install:
// on any error it prints "native backend unavailable: <reason>", records the reason in
// src/native/build/error.txt (shown by `rramsim doctor`) and exits 0, so the wasm backend is used.
// Nothing is downloaded: node-gyp is pointed at the local Node headers (--nodedir = the prefix of
// the running node when <prefix>/include/node/node_api.h exists; else node-gyp's own header cache
// or npm's `nodedir` setting). RRAMSIM_NATIVE=0 skips the build.
//
// Build cache: an install does not compile again when an identical build exists. Key =
//   sha256(the addon sources: every *.cc, *.h, binding.gyp and this file, by name and content;
//          the compiler's `--version` output ($CXX, else c++); process.versions.modules (Node ABI);
//          process.platform; process.arch)
// in $RRAMSIM_NATIVE_CACHE, else $XDG_CACHE_HOME/rramsim-native, else ~/.cache/rramsim-native,
// as <dir>/<key>/rramsim_native.node. A hit that loads is copied into build/Release/ and the
// compile is skipped; after a compile the result is stored (written to a temporary name, then
// renamed: a concurrent install never sees half a file). `npm run build:native` (--force) always
// compiles (and refreshes the cache). A cache that cannot be read or written only costs the
// compile; nothing is ever downloaded.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
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

const ADDON = join(here, 'build', 'Release', 'rramsim_native.node');
const force = process.argv.includes('--force');

function cacheDir() {
  if (process.env.RRAMSIM_NATIVE_CACHE) return process.env.RRAMSIM_NATIVE_CACHE;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'rramsim-native');
}

/** the cache key (file header), or undefined when the compiler does not answer */
function cacheKey() {
  const h = createHash('sha256');
  for (const f of readdirSync(here).filter((n) => /\.(cc|h)$/.test(n) || n === 'binding.gyp' || n === 'build.mjs').sort()) {
    h.update(`${f}\0`).update(readFileSync(join(here, f))).update('\0');
  }
  const cxx = process.env.CXX || 'c++';
  const v = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !v.stdout) return undefined;
  h.update(`${cxx}\0${v.stdout}\0${process.versions.modules}\0${process.platform}\0${process.arch}`);
  return h.digest('hex').slice(0, 32);
}

/** a cached addon that loads: copied into place, true */
function fromCache(key) {
  const hit = join(cacheDir(), key, 'rramsim_native.node');
  if (!existsSync(hit)) return false;
  try {
    createRequire(import.meta.url)(hit);
    mkdirSync(dirname(ADDON), { recursive: true });
    const tmp = `${ADDON}.tmp-${process.pid}`;
    copyFileSync(hit, tmp);
    renameSync(tmp, ADDON);
    return true;
  } catch {
    return false;
  }
}

function toCache(key) {
  try {
    const dir = join(cacheDir(), key);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `rramsim_native.node.tmp-${process.pid}`);
    copyFileSync(ADDON, tmp);
    renameSync(tmp, join(dir, 'rramsim_native.node'));
  } catch { /* an unwritable cache: the next install compiles again */ }
}

if (process.env.RRAMSIM_NATIVE === '0') giveUp('RRAMSIM_NATIVE=0: build skipped');
let key;
try { key = cacheKey(); } catch { key = undefined; }
if (key && !force && fromCache(key)) {
  rmSync(errFile, { force: true });
  process.stderr.write(`native backend: identical build reused from ${join(cacheDir(), key)} (npm run build:native compiles anew)\n`);
  process.exit(0);
}
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
if (key) toCache(key);
process.stderr.write('native backend built: src/native/build/Release/rramsim_native.node\n');
