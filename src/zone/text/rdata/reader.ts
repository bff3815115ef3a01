// Cursor over one entry's rdata tokens that writes wire rdata into a reused output buffer.

import { Lexer, TOK_ESCAPED, TOK_QUOTED } from '../lexer.js';
import { encodeName, NAME_SCRATCH } from '../name-text.js';
import { parseTtl } from '../ttl.js';
import { typeToText } from './types.js';

/** A syntax problem tied to the line of the offending token. */
export class ZoneSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export const MAX_RDATA = 65535;
// Room past MAX_RDATA so a single token can be written before the overflow check.
const OUT_SIZE = MAX_RDATA + 4096;

export class RdataReader {
  lx!: Lexer;
  i = 0;
  origin: Uint8Array | null = null;
  type = 0;
  readonly out = new Uint8Array(OUT_SIZE);
  off = 0;

  /** Mnemonic for messages; computed lazily because only errors need it. */
  get typeName(): string {
    return typeToText(this.type);
  }

  reset(lx: Lexer, i: number, origin: Uint8Array | null, type: number): void {
    this.lx = lx;
    this.i = i;
    this.origin = origin;
    this.type = type;
    this.off = 0;
  }

  more(): boolean {
    return this.i < this.lx.count;
  }

  /** Throws a problem at token i (default: the current or last token). */
  fail(message: string, i = this.i): never {
    const lx = this.lx;
    const t = i < lx.count ? i : lx.count - 1;
    throw new ZoneSyntaxError(message, t >= 0 ? lx.lines[t] : lx.entryLine);
  }

  /** Index of the next token, or a "missing" problem. */
  need(what: string): number {
    if (this.i >= this.lx.count) this.fail(`${this.typeName} record: missing ${what}`);
    return this.i++;
  }

  /** Reports tokens left over after the rdata. */
  done(): void {
    if (this.i < this.lx.count) {
      this.fail(`${this.typeName} record: unexpected extra data "${this.lx.text(this.i)}"`);
    }
    if (this.off > MAX_RDATA) this.fail(`${this.typeName} record: rdata longer than 65535 octets`, this.lx.count - 1);
  }

  room(n: number): void {
    if (this.off + n > OUT_SIZE) this.fail(`${this.typeName} record: rdata longer than 65535 octets`);
  }

  /** Decimal number 0..max from the next token. */
  num(what: string, max: number): number {
    const i = this.need(what);
    const v = this.numAt(i, max);
    if (v < 0) this.fail(`${this.typeName} record: bad ${what} "${this.lx.text(i)}" (expected 0..${max})`, i);
    return v;
  }

  /** Decimal value of token i, or -1 when not a number within 0..max. */
  numAt(i: number, max: number): number {
    const buf = this.lx.buf;
    const s = this.lx.starts[i];
    const e = this.lx.ends[i];
    if (e === s || e - s > 10) return -1;
    let v = 0;
    for (let p = s; p < e; p++) {
      const d = buf[p] - 0x30;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v > max ? -1 : v;
  }

  u8(what: string): number {
    const v = this.num(what, 0xff);
    this.out[this.off++] = v;
    return v;
  }

  u16(what: string): number {
    const v = this.num(what, 0xffff);
    const o = this.out;
    o[this.off++] = v >>> 8;
    o[this.off++] = v & 0xff;
    return v;
  }

  u32(what: string): number {
    return this.put32(this.num(what, 0xffffffff));
  }

  /** A TTL-like value with unit suffixes (SOA timers, RRSIG original TTL). */
  ttl(what: string): number {
    const i = this.need(what);
    const v = parseTtl(this.lx.buf, this.lx.starts[i], this.lx.ends[i]);
    if (v < 0) this.fail(`${this.typeName} record: bad ${what} "${this.lx.text(i)}"`, i);
    return this.put32(v);
  }

  put32(v: number): number {
    const o = this.out;
    o[this.off++] = v >>> 24;
    o[this.off++] = (v >>> 16) & 0xff;
    o[this.off++] = (v >>> 8) & 0xff;
    o[this.off++] = v & 0xff;
    return v;
  }

  name(what: string): void {
    const i = this.need(what);
    this.room(NAME_SCRATCH);
    try {
      this.off = encodeName(this.lx.buf, this.lx.starts[i], this.lx.ends[i], this.origin, this.out, this.off);
    } catch (e) {
      this.fail(`${this.typeName} record: bad ${what}: ${(e as Error).message}`, i);
    }
  }

  /** Writes the raw octets of token i (quotes removed, escapes decoded); returns the count. */
  raw(i: number): number {
    const lx = this.lx;
    const buf = lx.buf;
    const s = lx.starts[i];
    const e = lx.ends[i];
    this.room(e - s + (e - s) / 255 + 2);
    const o = this.out;
    let off = this.off;
    const start = off;
    if ((lx.flags[i] & TOK_ESCAPED) === 0) {
      o.set(buf.subarray(s, e), off);
      off += e - s;
    } else {
      for (let p = s; p < e; p++) {
        let c = buf[p];
        if (c === 0x5c) {
          c = buf[++p];
          if (c >= 0x30 && c <= 0x39) {
            const d1 = buf[p + 1] - 0x30;
            const d2 = buf[p + 2] - 0x30;
            if (p + 2 >= e || !(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) this.fail(`bad \\DDD escape in "${lx.text(i)}"`, i);
            c = (c - 0x30) * 100 + d1 * 10 + d2;
            if (c > 255) this.fail(`\\DDD escape above 255 in "${lx.text(i)}"`, i);
            p += 2;
          }
        }
        o[off++] = c;
      }
    }
    this.off = off;
    return off - start;
  }

  /** One <character-string>; longer than 255 octets is an error. */
  charString(what: string): void {
    const i = this.need(what);
    const lenPos = this.off++;
    const n = this.raw(i);
    if (n > 255) this.fail(`${this.typeName} record: ${what} longer than 255 octets`, i);
    this.out[lenPos] = n;
  }

  /** TXT-style string: split into 255-octet chunks, as Knot's zone scanner does. */
  splitString(i: number): void {
    const lenPos = this.off++;
    const n = this.raw(i);
    if (n <= 255) {
      this.out[lenPos] = n;
      return;
    }
    const chunks = Math.ceil(n / 255);
    const o = this.out;
    // Shift the bytes to make room for the extra length octets, last chunk first.
    for (let c = chunks - 1; c >= 0; c--) {
      const from = lenPos + 1 + c * 255;
      const len = Math.min(255, n - c * 255);
      const to = lenPos + 1 + c * 256;
      o.copyWithin(to, from, from + len);
      o[to - 1] = len;
    }
    this.off = lenPos + n + chunks;
  }

  /** All remaining tokens joined, for base64/hex fields that may contain spaces. */
  restText(): string {
    let s = '';
    while (this.i < this.lx.count) s += this.lx.text(this.i++);
    return s;
  }

  /** Is token i exactly the unquoted text t (ASCII, case-insensitive)? */
  is(i: number, t: string): boolean {
    const lx = this.lx;
    const s = lx.starts[i];
    if (lx.ends[i] - s !== t.length || (lx.flags[i] & TOK_QUOTED) !== 0) return false;
    for (let k = 0; k < t.length; k++) {
      if ((lx.buf[s + k] | 0x20) !== (t.charCodeAt(k) | 0x20)) return false;
    }
    return true;
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.out.set(data, this.off);
    this.off += data.length;
  }
}
