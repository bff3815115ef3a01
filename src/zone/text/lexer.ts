// Zone-file tokenizer: splits raw bytes into entries (logical lines, parentheses joined) of token offsets.

/** Token flags. */
export const TOK_QUOTED = 1; // whole token was "..."; start/end exclude the quotes
export const TOK_ESCAPED = 2; // contains a backslash escape (slow path must decode)
export const TOK_MIXED = 4; // unquoted token with an inner quoted part, e.g. alpn="h2,h3"

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const SEMI = 0x3b;
const LPAREN = 0x28;
const RPAREN = 0x29;
const BSLASH = 0x5c;

/** Octets that end or complicate an unquoted token; one table lookup per octet keeps word() tight. */
const SPECIAL = new Uint8Array(256);
for (const c of [SPACE, TAB, CR, LF, QUOTE, SEMI, LPAREN, RPAREN, BSLASH]) SPECIAL[c] = 1;

/**
 * Offsets rather than strings: the 1M-name bench showed substring creation per token to be the
 * main cost, so tokens stay as [start, end) into the file bytes until a decoder needs them.
 */
export class Lexer {
  readonly buf: Uint8Array;
  private pos = 0;
  private line = 1;
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  lines = new Int32Array(64);
  flags = new Uint8Array(64);
  /** Entry began with a blank: the owner is inherited. */
  blankStart = false;
  /** Line where the current entry starts. */
  entryLine = 0;
  /** Set when the entry is malformed; the parser reports it and skips the entry. */
  errorMessage: string | null = null;
  errorLine = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Reads the next non-empty entry. Returns false at end of input. */
  next(): boolean {
    const buf = this.buf;
    const len = buf.length;
    this.count = 0;
    this.errorMessage = null;
    let depth = 0;
    let parenLine = 0;
    let atLineStart = true;
    let pos = this.pos;
    while (pos < len) {
      const c = buf[pos];
      if (c === LF) {
        this.line++;
        pos++;
        if (depth === 0 && this.count > 0) break;
        atLineStart = true;
        continue;
      }
      if (c === SPACE || c === TAB || c === CR) {
        if (atLineStart && this.count === 0) this.blankStart = true;
        atLineStart = false;
        pos++;
        continue;
      }
      if (atLineStart && this.count === 0) this.blankStart = false;
      atLineStart = false;
      if (c === SEMI) {
        while (pos < len && buf[pos] !== LF) pos++;
        continue;
      }
      if (c === LPAREN) {
        if (depth > 0) return this.fail('nested parentheses', pos + 1);
        if (this.count === 0) this.entryLine = this.line;
        depth = 1;
        parenLine = this.line;
        pos++;
        continue;
      }
      if (c === RPAREN) {
        if (depth === 0) return this.fail('closing parenthesis without opening parenthesis', pos + 1);
        depth = 0;
        pos++;
        continue;
      }
      if (this.count === 0) this.entryLine = this.line;
      pos = c === QUOTE ? this.quoted(pos) : this.word(pos);
      if (pos < 0) return this.fail('unterminated quoted string', -pos);
    }
    this.pos = pos;
    if (depth > 0) {
      this.errorMessage = 'missing closing parenthesis';
      this.errorLine = parenLine;
      return true;
    }
    return this.count > 0;
  }

  /** Line of token i. */
  lineOf(i: number): number {
    return this.lines[i];
  }

  /** Token text (escapes kept), for messages and mnemonics. */
  text(i: number): string {
    let s = '';
    const buf = this.buf;
    for (let p = this.starts[i], e = this.ends[i]; p < e; p++) s += String.fromCharCode(buf[p]);
    return s;
  }

  private push(start: number, end: number, flags: number): void {
    if (this.count === this.starts.length) this.grow();
    const n = this.count++;
    this.starts[n] = start;
    this.ends[n] = end;
    this.lines[n] = this.line;
    this.flags[n] = flags;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const s = new Int32Array(size);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(size);
    e.set(this.ends);
    this.ends = e;
    const l = new Int32Array(size);
    l.set(this.lines);
    this.lines = l;
    const f = new Uint8Array(size);
    f.set(this.flags);
    this.flags = f;
  }

  /** Scans "..." from the opening quote; returns the position after it, or -(position) on error. */
  private quoted(pos: number): number {
    const buf = this.buf;
    const len = buf.length;
    const start = pos + 1;
    let flags = TOK_QUOTED;
    for (let p = start; p < len; p++) {
      const c = buf[p];
      if (c === QUOTE) {
        this.push(start, p, flags);
        return p + 1;
      }
      if (c === LF) return -p;
      if (c === BSLASH) {
        flags |= TOK_ESCAPED;
        p++;
        if (buf[p] === LF) return -p;
      }
    }
    return -len;
  }

  /** Scans an unquoted token; a quote inside it opens a quoted section that stays part of the token. */
  private word(pos: number): number {
    const buf = this.buf;
    const len = buf.length;
    const start = pos;
    let flags = 0;
    let p = pos;
    for (; p < len; p++) {
      const c = buf[p];
      if (SPECIAL[c] === 0) continue;
      if (c === SPACE || c === TAB || c === LF || c === CR || c === SEMI || c === LPAREN || c === RPAREN) break;
      if (c === BSLASH) {
        flags |= TOK_ESCAPED;
        p++;
        if (buf[p] === LF) return -p;
      } else if (c === QUOTE) {
        flags |= TOK_MIXED;
        for (p++; p < len && buf[p] !== QUOTE; p++) {
          if (buf[p] === LF) return -p;
          if (buf[p] === BSLASH) {
            flags |= TOK_ESCAPED;
            p++;
          }
        }
        if (p >= len) return -len;
      }
    }
    this.push(start, p, flags);
    return p;
  }

  private fail(message: string, pos: number): boolean {
    const line = this.line;
    // Resynchronise at the next line that starts outside any parenthesis.
    const buf = this.buf;
    while (pos < buf.length && buf[pos] !== LF) pos++;
    this.pos = pos;
    this.errorMessage = message;
    this.errorLine = line;
    if (this.count === 0) this.entryLine = line;
    return true;
  }
}
