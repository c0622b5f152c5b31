/**
 * The resume hint repeats the user's command line: the launcher (npx when npm ran rramsim through
 * npx / npm exec, detected from the environment npm sets), every flag as given, shell-quoted, plus
 * --out and --resume when absent. Oracle: bash parses the printed command back into the same words.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launcher, resumeCommand } from '../../sim/sweep/invocation.js';

const npx = { npm_lifecycle_event: 'npx', npm_command: 'exec', npm_lifecycle_script: 'rramsim', npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64' };

/** the words bash makes of a command line */
function bashWords(cmd: string): string[] {
  const r = spawnSync('bash', ['-c', `printf '%s\\0' ${cmd}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('launcher', () => {
  it('npx rramsim when npm exec ran the rramsim bin (as npx sets it), quoted or with a path', () => {
    expect(launcher(npx, '/x/node_modules/.bin/rramsim')).toBe('npx rramsim');
    expect(launcher({ ...npx, npm_lifecycle_script: "'rramsim'" })).toBe('npx rramsim');
    expect(launcher({ ...npx, npm_lifecycle_script: '/x/node_modules/.bin/rramsim sweep c.json' })).toBe('npx rramsim');
    expect(launcher({ npm_command: 'exec', npm_lifecycle_script: 'rramsim' })).toBe('npx rramsim');
  });
  it('plain rramsim when npx ran another program (a test runner calling the CLI in-process), npm run, or no npm', () => {
    expect(launcher({ ...npx, npm_lifecycle_script: 'vitest' })).toBe('rramsim');
    expect(launcher({ npm_lifecycle_event: 'test', npm_command: 'run-script', npm_lifecycle_script: 'vitest run' })).toBe('rramsim');
    expect(launcher({}, '/usr/bin/rramsim')).toBe('rramsim');
  });
  it('without npm variables, the shell\'s $_ naming npx and the rramsim bin', () => {
    expect(launcher({ _: '/usr/bin/npx' }, '/x/node_modules/.bin/rramsim')).toBe('npx rramsim');
    expect(launcher({ _: '/usr/bin/npx' }, '/x/dist/sim/cli.js')).toBe('rramsim');
  });
});

describe('resumeCommand', () => {
  it('every flag as given, --out and --resume added once', () => {
    const argv = ['sweep', 'configs/quick.json', '--workers', '3', '--threads', '1', '--data-dir', '../data'];
    expect(resumeCommand('runs/q-1', argv, npx, '/x/rramsim')).toBe('npx rramsim sweep configs/quick.json --workers 3 --threads 1 --data-dir ../data --out runs/q-1 --resume');
    expect(resumeCommand('ignored', ['sweep', 'c.json', '--out=o', '--resume', '--shard', '0/2'], {})).toBe('rramsim sweep c.json --out=o --resume --shard 0/2');
  });
  it('shell-quoted: bash reads back the exact words', () => {
    const argv = ['sweep', "my 'config'.json", '--out', 'out $HOME `x`', '--workers', '2'];
    const cmd = resumeCommand('unused', argv, npx, '/x/rramsim');
    expect(cmd.startsWith('npx rramsim ')).toBe(true);
    expect(bashWords(cmd.slice('npx '.length))).toEqual(['rramsim', ...argv, '--resume']);
  });
});
