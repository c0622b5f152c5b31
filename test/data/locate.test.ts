import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateDirs } from '../../src/data/locate.js';
import { UserError } from '../../src/util/errors.js';
import { IDX, SHARED_MNIST, locateIdx, noSharedMnist, smallLabels, tempDir, userError, writeSmallIdxDir } from './fixtures.js';

const skipMnist = noSharedMnist();

describe('locateDataset', () => {
  it('an explicit --data-dir that does not exist is a UserError naming it', () => {
    const d = join(tempDir(), 'nope');
    expect(userError(() => locateIdx('mnist', { dataDir: d })).message).toBe(
      `--data-dir: directory ${d} does not exist (or is not a directory)`,
    );
  });

  it('files missing: the error names every place searched, the expected file names and how to get them', () => {
    const d = tempDir();
    const m = userError(() => locateIdx('mnist', { dataDir: d })).message;
    expect(m).toContain('dataset mnist not found (searched --data-dir)');
    expect(m).toContain(`${join(d, 'mnist')}: no such directory`);
    expect(m).toContain(`${d}: none of the files`);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      expect(m).toContain(`${f}.gz (or uncompressed ${f})`);
    }
    expect(m).toMatch(/To get them: .*yann\.lecun\.com/);
    const f = userError(() => locateIdx('fashion-mnist', { dataDir: d })).message;
    expect(f).toMatch(/apt-get install dataset-fashion-mnist/);
  });

  it('a partly filled directory lists exactly the missing files', () => {
    const d = writeSmallIdxDir(tempDir());
    rmSync(join(d, 't10k-labels-idx1-ubyte.gz'));
    const m = userError(() => locateIdx('mnist', { dataDir: d })).message;
    expect(m).toContain(`${d}: missing t10k-labels-idx1-ubyte[.gz]`);
  });

  it('--data-dir may be the dataset directory or a parent holding mnist/ (the subdirectory wins)', () => {
    const parent = tempDir();
    writeSmallIdxDir(join(parent, 'mnist'));
    expect(locateIdx('mnist', { dataDir: parent }).dir).toBe(join(parent, 'mnist'));
    expect(locateIdx('mnist', { dataDir: join(parent, 'mnist') }).dir).toBe(join(parent, 'mnist'));
  });

  it('accepts raw files and prefers .gz when both exist', () => {
    const d = writeSmallIdxDir(tempDir(), { gzip: false });
    const raw = locateIdx('mnist', { dataDir: d });
    expect(raw.files['train-images-idx3-ubyte']).toBe(join(d, 'train-images-idx3-ubyte'));
    writeSmallIdxDir(d, { gzip: true });
    expect(locateIdx('mnist', { dataDir: d }).files['train-images-idx3-ubyte']).toBe(join(d, 'train-images-idx3-ubyte.gz'));
  });

  it('RRAMSIM_DATA is searched first (parent or the directory itself); a missing one is an error', () => {
    const parent = tempDir();
    writeSmallIdxDir(join(parent, 'mnist'));
    const cwd = tempDir();
    expect(locateIdx('mnist', { env: { RRAMSIM_DATA: parent }, cwd }).dir).toBe(join(parent, 'mnist'));
    expect(locateIdx('mnist', { env: { RRAMSIM_DATA: join(parent, 'mnist') }, cwd }).dir).toBe(join(parent, 'mnist'));
    const bad = join(parent, 'typo');
    expect(userError(() => locateIdx('mnist', { env: { RRAMSIM_DATA: bad }, cwd })).message).toMatch(
      /^RRAMSIM_DATA=.*typo: directory .* does not exist/,
    );
  });

  it('default search order: RRAMSIM_DATA, ./data/<name>, ../shared/data/<name>, then the package root, then the Debian path', () => {
    const env = tempDir();
    const cwd = tempDir();
    const { dirs, exclusive } = candidateDirs(IDX['fashion-mnist'], { env: { RRAMSIM_DATA: env }, cwd });
    expect(exclusive).toBe(false);
    expect(dirs.slice(0, 4)).toEqual([
      join(env, 'fashion-mnist'),
      env,
      join(cwd, 'data', 'fashion-mnist'),
      resolve(cwd, '..', 'shared', 'data', 'fashion-mnist'),
    ]);
    expect(dirs).toContain(resolve(process.cwd(), '..', 'shared', 'data', 'fashion-mnist')); // package root = repo
    expect(dirs[dirs.length - 1]).toBe('/usr/share/datasets/fashion-mnist');
    expect(candidateDirs(IDX.mnist, { env: {}, cwd }).dirs).not.toContain('/usr/share/datasets/fashion-mnist');
    expect(candidateDirs(IDX.mnist, { dataDir: env }).dirs).toEqual([join(env, 'mnist'), env]);
  });

  it('a default directory in ./data/<name> relative to the working directory is found', () => {
    const cwd = tempDir();
    writeSmallIdxDir(join(cwd, 'data', 'mnist'));
    expect(locateIdx('mnist', { env: {}, cwd }).dir).toBe(join(cwd, 'data', 'mnist'));
  });

  it.skipIf(skipMnist)('skips a directory that holds another known dataset, and says so', () => {
    const d = writeSmallIdxDir(tempDir());
    copyFileSync(join(SHARED_MNIST, 't10k-labels-idx1-ubyte.gz'), join(d, 't10k-labels-idx1-ubyte.gz'));
    const m = userError(() => locateIdx('fashion-mnist', { dataDir: d })).message;
    expect(m).toContain(`${d}: holds mnist, not fashion-mnist`);
    // the same directory is accepted for mnist (and would then fail verification on the other files)
    expect(locateIdx('mnist', { dataDir: d }).dir).toBe(d);
    // unknown labels do not make a directory "foreign"
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), smallLabels(10));
    expect(locateIdx('fashion-mnist', { dataDir: d }).dir).toBe(d);
  });
});
