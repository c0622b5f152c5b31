/**
 * The checkpoint file of a training in progress (a sweep's base network: DIR/cache/base-<key>.ckpt;
 * `rramsim train`: <result file>.ckpt), verified by content hash and keyed by the training it
 * belongs to:
 *
 *   bytes 0..7        magic 'RRCKPT01' (ASCII)
 *   bytes 8..39       SHA-256 of every byte from 40 to the end
 *   bytes 40..43      J, uint32 little-endian: the header's length in bytes
 *   bytes 44..44+J    header, JSON (UTF-8), then zero bytes up to a multiple of 4:
 *                     { format, key, epochs (of the whole training), epoch, step, optimizer,
 *                       optimizerSteps, streams, curve, seconds, tensors: [lengths] }
 *   then              the float32 tensors in header order: Network.getWeights(), then the
 *                     optimiser buffers (src/nn/train_state.ts), byte for byte
 *
 * Writing (writeCheckpoint): the previous checkpoint is hard-linked as <file>.prev (copied where the
 * file system has no hard links), then the new one is written to a unique temporary name, fsync'ed
 * and renamed over <file>, and the directory is fsync'ed (src/util/atomic_write.ts). So after
 * kill -9 at any instant, <file> is a whole checkpoint (the old one or the new one); <file>.prev is
 * the one before it, or absent while it is being replaced.
 *
 * Reading (readCheckpoint): <file>, else <file>.prev. A file that is not a whole checkpoint
 * (truncated, a byte changed: its SHA-256 differs; not a checkpoint at all) is discarded with one
 * `warning:` line and deleted, and the older one is tried; none left = train from scratch. A whole
 * checkpoint of another training (its key differs) is never used and never touched: a UserError
 * naming the file (exit 2), before any training starts.
 */
import { closeSync, copyFileSync, fsyncSync, linkSync, openSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { TrainState } from '../nn/train_state.js';
import { writeFileAtomicSync } from '../util/atomic_write.js';
import { UserError } from '../util/errors.js';
import { readRegularFile, type RegularFileLimit } from '../util/read_regular_file.js';
import { printable } from '../util/safe_text.js';

const MAGIC = Buffer.from('RRCKPT01', 'ascii');
const FORMAT = 'rramsim-checkpoint-v1';
const PREFIX = MAGIC.length + 32 + 4;

/** weights and up to two optimiser buffers per weight (AdamW) of the largest model (2²⁷ floats), plus the header */
export const CHECKPOINT_LIMIT: RegularFileLimit = { label: 'checkpoint', maxBytes: 3 * 4 * 2 ** 27 + 64 * 2 ** 20 };

interface Header {
  format: string;
  key: string;
  epochs: number;
  epoch: number;
  step: number;
  optimizer: TrainState['optimizer'];
  optimizerSteps: number;
  streams: TrainState['streams'];
  curve: TrainState['curve'];
  seconds: number;
  tensors: number[];
}

export interface Checkpoint {
  key: string;
  /** epochs of the whole training */
  epochs: number;
  state: TrainState;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array[] {
  const s = c.state;
  const tensors = [s.weights, ...s.buffers];
  const header: Header = {
    format: FORMAT, key: c.key, epochs: c.epochs, epoch: s.epoch, step: s.step, optimizer: s.optimizer,
    optimizerSteps: s.optimizerSteps, streams: s.streams, curve: s.curve, seconds: s.seconds,
    tensors: tensors.map((t) => t.length),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(4 + Math.ceil(json.length / 4) * 4);
  padded.writeUInt32LE(json.length, 0);
  json.copy(padded, 4);
  const body = [padded, ...tensors.map((t) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength))];
  const h = createHash('sha256');
  for (const b of body) h.update(b);
  return [Buffer.concat([MAGIC, h.digest()]), ...body];
}

export function decodeCheckpoint(buf: Uint8Array): Checkpoint | { problem: string } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREFIX || !b.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: `is not a checkpoint file (${b.length} bytes, no 'RRCKPT01' header)` };
  const digest = createHash('sha256').update(b.subarray(MAGIC.length + 32)).digest();
  if (!digest.equals(b.subarray(MAGIC.length, MAGIC.length + 32))) return { problem: 'is truncated or corrupted (the SHA-256 of its content differs from its header)' };
  const j = b.readUInt32LE(MAGIC.length + 32);
  let header: Header;
  try {
    header = JSON.parse(b.subarray(PREFIX, PREFIX + j).toString('utf8')) as Header;
  } catch {
    return { problem: 'has an unreadable header' };
  }
  if (header.format !== FORMAT || !Array.isArray(header.tensors) || header.tensors.length < 1) return { problem: `is in an unknown format (${String(header.format)})` };
  let off = PREFIX + Math.ceil(j / 4) * 4;
  const total = header.tensors.reduce((s, n) => s + 4 * n, 0);
  if (off + total !== b.length) return { problem: `holds ${b.length} bytes, its header describes ${off + total}` };
  // fresh, aligned copies: the buffer may start at any byte offset
  const tensors = header.tensors.map((n) => {
    const t = new Float32Array(n);
    new Uint8Array(t.buffer).set(b.subarray(off, off + 4 * n));
    off += 4 * n;
    return t;
  });
  return {
    key: header.key,
    epochs: header.epochs,
    state: {
      epoch: header.epoch, step: header.step, weights: tensors[0], optimizer: header.optimizer, optimizerSteps: header.optimizerSteps,
      buffers: tensors.slice(1), streams: header.streams, curve: header.curve, seconds: header.seconds,
    },
  };
}

const ignoreMissing = (f: () => void) => {
  try {
    f();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
};

/** Replace `file` by this checkpoint, keeping the one before as `file`.prev (file comment). */
export function writeCheckpoint(file: string, c: Checkpoint): void {
  const prev = `${file}.prev`;
  ignoreMissing(() => unlinkSync(prev));
  ignoreMissing(() => {
    try {
      linkSync(file, prev);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
      copyFileSync(file, prev); // no hard links on this file system
    }
  });
  writeFileAtomicSync(file, encodeCheckpoint(c));
  // the renames themselves durable (a crash of the machine, not only of the process)
  const fd = openSync(dirname(file), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Remove `file` and `file`.prev (the training finished and its result is stored). */
export function removeCheckpoint(file: string): void {
  for (const f of [file, `${file}.prev`]) ignoreMissing(() => unlinkSync(f));
}

/**
 * The newest whole checkpoint of training `key` at `file` (or `file`.prev), or undefined (train from
 * scratch). `what` names the training in messages; `log` receives the warning lines.
 */
export function readCheckpoint(file: string, key: string, what: string, log?: (line: string) => void): Checkpoint | undefined {
  for (const f of [file, `${file}.prev`]) {
    const buf = readRegularFile(f, { ...CHECKPOINT_LIMIT, label: `checkpoint ${f}` });
    if (buf === undefined) continue;
    const got = decodeCheckpoint(buf);
    if ('problem' in got) {
      log?.(`warning: checkpoint '${printable(f)}' ${got.problem}; discarded (deleted): ${what} continues from an older checkpoint or from scratch`);
      ignoreMissing(() => unlinkSync(f));
      continue;
    }
    if (got.key !== key) {
      throw new UserError(
        `checkpoint '${printable(f)}' belongs to another training (key ${printable(String(got.key)).slice(0, 80)}; ${what} has key ${key}): not used and left as it is; ` +
          'delete it to start this training from scratch, or run the training it belongs to',
        'checkpoint',
      );
    }
    return got;
  }
  return undefined;
}
