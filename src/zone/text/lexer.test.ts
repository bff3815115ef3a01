// Tokenizer tests: entries, parentheses, quotes, line numbers and lexical errors.
import { describe, expect, it } from 'vitest';
import { Lexer, TOK_ESCAPED, TOK_MIXED, TOK_QUOTED } from './lexer.js';

interface Entry {
  tokens: string[];
  lines: number[];
  flags: number[];
  blank: boolean;
  line: number;
  error: string | null;
  errorLine: number;
}

function entries(text: string): Entry[] {
  const lx = new Lexer(Buffer.from(text, 'latin1'));
  const out: Entry[] = [];
  while (lx.next()) {
    const tokens: string[] = [];
    const lines: number[] = [];
    const flags: number[] = [];
    for (let i = 0; i < lx.count; i++) {
      tokens.push(lx.text(i));
      lines.push(lx.lineOf(i));
      flags.push(lx.flags[i]);
    }
    out.push({ tokens, lines, flags, blank: lx.blankStart, line: lx.entryLine, error: lx.errorMessage, errorLine: lx.errorLine });
  }
  return out;
}

describe('Lexer', () => {
  it('splits lines into tokens and skips blank and comment-only lines', () => {
    const e = entries('a A 1.2.3.4\n\n; comment\n   \nb  \tNS x ; trailing\n');
    expect(e.map((x) => x.tokens)).toEqual([['a', 'A', '1.2.3.4'], ['b', 'NS', 'x']]);
    expect(e.map((x) => x.line)).toEqual([1, 5]);
  });

  it('marks entries that start with a blank', () => {
    const e = entries('a A 1.2.3.4\n  AAAA ::1\n\tTXT x\nb A 1.1.1.1\n');
    expect(e.map((x) => x.blank)).toEqual([false, true, true, false]);
  });

  it('joins parenthesised lines, keeps per-token lines and the entry start line', () => {
    const e = entries('\n@ SOA ns hm (\n 1 ; serial\n 2 3 ; ( not a paren\n 4 5 )\nx A 1.2.3.4\n');
    expect(e[0].tokens).toEqual(['@', 'SOA', 'ns', 'hm', '1', '2', '3', '4', '5']);
    expect(e[0].line).toBe(2);
    expect(e[0].lines).toEqual([2, 2, 2, 2, 3, 4, 4, 5, 5]);
    expect(e[1]).toMatchObject({ tokens: ['x', 'A', '1.2.3.4'], line: 6 });
  });

  it('entry may start with a parenthesis', () => {
    expect(entries('( a A\n 1.2.3.4 )\n')[0].tokens).toEqual(['a', 'A', '1.2.3.4']);
  });

  it('reads quoted strings with escapes, semicolons and parentheses inside', () => {
    const e = entries('t TXT "a \\"b\\" ; (c)" "" x\\ y\n');
    expect(e[0].tokens).toEqual(['t', 'TXT', 'a \\"b\\" ; (c)', '', 'x\\ y']);
    expect(e[0].flags[2]).toBe(TOK_QUOTED | TOK_ESCAPED);
    expect(e[0].flags[3]).toBe(TOK_QUOTED);
    expect(e[0].flags[4]).toBe(TOK_ESCAPED);
  });

  it('keeps key="value with spaces" as one token', () => {
    const e = entries('s HTTPS 1 . alpn="h2, h3" port=443\n');
    expect(e[0].tokens).toEqual(['s', 'HTTPS', '1', '.', 'alpn="h2, h3"', 'port=443']);
    expect(e[0].flags[4]).toBe(TOK_MIXED);
  });

  it('handles CRLF and a missing final newline', () => {
    const e = entries('a A 1.2.3.4\r\n  AAAA ::1\r\nb TXT "x"');
    expect(e.map((x) => x.tokens)).toEqual([['a', 'A', '1.2.3.4'], ['AAAA', '::1'], ['b', 'TXT', 'x']]);
    expect(e[2].line).toBe(3);
  });

  it('reports an unterminated quote at its line and resumes on the next line', () => {
    const e = entries('a TXT "oops\nb A 1.2.3.4\n');
    expect(e[0]).toMatchObject({ error: 'unterminated quoted string', errorLine: 1 });
    expect(e[1].tokens).toEqual(['b', 'A', '1.2.3.4']);
  });

  it('reports a missing closing parenthesis at the opening line', () => {
    const e = entries('a A 1.2.3.4\nb TXT ( x\n y\n');
    expect(e[1]).toMatchObject({ error: 'missing closing parenthesis', errorLine: 2 });
  });

  it('reports a stray closing parenthesis and nested parentheses', () => {
    expect(entries('a A 1.2.3.4 )\n')[0]).toMatchObject({ error: 'closing parenthesis without opening parenthesis', errorLine: 1 });
    expect(entries('a TXT ( ( x ) )\nb A 1.2.3.4\n')[0]).toMatchObject({ error: 'nested parentheses' });
  });

  it('grows past 64 tokens', () => {
    const words = Array.from({ length: 200 }, (_, k) => `w${k}`);
    expect(entries(`t TXT ${words.join(' ')}\n`)[0].tokens).toHaveLength(202);
  });
});
