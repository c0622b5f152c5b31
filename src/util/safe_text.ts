/**
 * Text from untrusted input (a config, a defect-map file, a results line) shown on a terminal or in
 * a message — one rule for all of it:
 *   printable(s)     = s with every control or format character (Unicode categories Cc and Cf: C0/C1,
 *                      DEL, ESC of ANSI sequences, bidi overrides, BOM, zero-width) and the line /
 *                      paragraph separators U+2028/U+2029 replaced by a visible escape: `\n`, `\t`,
 *                      `\xNN` (code <= 0xff) or `\uNNNN`; so it cannot move the cursor, clear the
 *                      screen or hide text, and a description prints on one line;
 *   safeToken(s, n)  = printable(s) cut to n characters plus '…', so an error quotes at most the
 *                      offending token, never a line of the file;
 *   withPrintableErrors(f) = f(), its UserError messages passed through printable.
 */
import { UserError } from './errors.js';

const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    const code = c.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function safeToken(s: string, max = 12): string {
  const chars = [...printable(s)];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

/**
 * Run f; a UserError it throws is re-thrown with printable(message) (and printable(field)), for
 * code whose messages quote names from a file (ONNX operator, node and tensor names): whatever the
 * file holds, the message the CLI prints is one line without terminal control characters.
 */
export function withPrintableErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(printable(e.message), e.field === undefined ? undefined : printable(e.field));
    throw e;
  }
}
