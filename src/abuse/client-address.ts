// The client's IP address as bytes, parsed from the socket's text form only when cookies or RRL ask for it.

/**
 * One per transport, reused for every datagram: `set` stores the text, `bytes` parses it on first use.
 * Holds 4 bytes for IPv4 (and IPv4-mapped IPv6, which is how a dual-stack socket reports IPv4 clients) or 16 for IPv6.
 */
export class ClientAddress {
  readonly bytes = new Uint8Array(16);
  /** 4 or 16; 0 when the text could not be parsed (never from a real socket). */
  length = 0;
  private text = '';
  private parsed = true;

  set(text: string): void {
    // A flood comes from few addresses: the same text keeps the bytes already parsed.
    if (text === this.text) return;
    this.text = text;
    this.parsed = false;
  }

  /** Parses (once per `set`) and returns the address length in bytes. */
  resolve(): number {
    if (this.parsed) return this.length;
    this.parsed = true;
    this.length = parseIp(this.text, this.bytes);
    return this.length;
  }
}

/** Parses dotted-quad IPv4 or RFC 4291 IPv6 text into out; returns 4, 16, or 0 when malformed. */
export function parseIp(text: string, out: Uint8Array): number {
  if (text.indexOf(':') < 0) return parseIpv4(text, 0, text.length, out, 0) ? 4 : 0;
  const n = parseIpv6(text, out);
  // ::ffff:a.b.c.d is an IPv4 client seen through an IPv6 socket: key it as IPv4 so prefixes and cookies agree.
  if (n === 16 && isV4Mapped(out)) {
    out.copyWithin(0, 12, 16);
    return 4;
  }
  return n;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function parseIpv4(text: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = from; i <= to; i++) {
    const c = i === to ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || part > 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

function parseIpv6(text: string, out: Uint8Array): number {
  const zone = text.indexOf('%');
  const end = zone < 0 ? text.length : zone;
  const groups = new Array<number>(); // rare path (IPv6 with cookies or RRL): clarity over allocation
  let gap = -1;
  let i = 0;
  if (text.startsWith('::')) {
    gap = 0;
    i = 2;
  }
  while (i < end) {
    const colon = text.indexOf(':', i);
    const stop = colon < 0 || colon > end ? end : colon;
    const piece = text.slice(i, stop);
    if (stop === end && piece.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!parseIpv4(piece, 0, piece.length, v4, 0)) return 0;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      break;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return 0;
    groups.push(parseInt(piece, 16));
    i = stop + 1;
    if (stop < end && text[i] === ':') {
      if (gap >= 0) return 0;
      gap = groups.length;
      i++;
    }
  }
  const missing = 8 - groups.length;
  if (gap < 0 ? missing !== 0 : missing < 1) return 0;
  const full = gap < 0 ? groups : [...groups.slice(0, gap), ...new Array<number>(missing).fill(0), ...groups.slice(gap)];
  for (let g = 0; g < 8; g++) {
    out[2 * g] = full[g] >> 8;
    out[2 * g + 1] = full[g] & 0xff;
  }
  return 16;
}
