// shellQuote against bash itself (the oracle): what bash receives after parsing the quoted word
// is the original string, whatever it holds; printable escapes every control character.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/util/safe_text.js';
import { shellCommand, shellQuote } from '../../src/util/shell_quote.js';

const nasty = ['plain/path-1.json', 'a b', "it's", '$HOME', '`id`', '$(id)', 'a"b', '\\n', '*', 'x;rm -rf y', '', 'new\nline', "''", 'tab\there', 'ünï cödé',
  'o\ntouch PWNED', "a'\\\n\r$(id)", '\u001b[2J', 'c1 \u009b x', 'bidi \u202e gnp.exe', 'ls\u2028ep', 'é\u0007'];

describe('shellQuote', () => {
  it('bash receives exactly the original argument', () => {
    const script = `for a in ${nasty.map(shellQuote).join(' ')}; do printf '%s\\0' "$a"; done`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(nasty);
  });

  it('a quoted word is always one line of text without control characters', () => {
    for (const s of nasty) {
      expect(shellQuote(s)).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    }
    expect(shellQuote('o\ntouch PWNED')).toBe("$'o\\ntouch PWNED'");
    expect(shellQuote("it's\n")).toBe("$'it\\'s\\n'");
    expect(shellQuote('\u009b')).toBe("$'\\xc2\\x9b'"); // the UTF-8 bytes of U+009B
  });

  it('leaves safe words alone and quotes the rest', () => {
    expect(shellQuote('runs/q-1.json')).toBe('runs/q-1.json');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellCommand(['rramsim', 'sweep', 'my config.json'])).toBe("rramsim sweep 'my config.json'");
  });
});

describe('printable', () => {
  it('escapes C0/C1 control characters and line separators, keeps ordinary text', () => {
    expect(printable('ok ü €')).toBe('ok ü €');
    expect(printable('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(printable('a\nb\tc\rd\u0007\u009b\u2028')).toBe('a\\nb\\tc\\x0dd\\x07\\x9b\\u2028');
    // nothing a terminal interprets survives
    const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('');
    expect(printable(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
