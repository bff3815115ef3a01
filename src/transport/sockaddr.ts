// Linux sockaddr_in/sockaddr_in6 bytes (as recvmmsg wrote them) to the address text and port node:dgram would report.

import type { Remote } from '../query/roles/role.js';

const AF_INET = 2;
const AF_INET6 = 10;

/**
 * Reads source addresses into one reused Remote. The text of the last address is kept, so a run of
 * datagrams from the same client (the common case under load) costs no string at all.
 */
export class SockaddrReader {
  readonly remote: Remote = { address: '', port: 0 };
  private readonly last = new Uint8Array(16);
  private lastFamily = 0;

  /** Decodes bytes[at..at+len); false for a length or family no socket of ours produces. */
  read(bytes: Uint8Array, at: number, len: number): boolean {
    const family = bytes[at] | (bytes[at + 1] << 8); // sa_family_t, host order (little-endian on every Linux we run)
    const addrAt = family === AF_INET ? at + 4 : at + 8;
    const addrLen = family === AF_INET ? 4 : 16;
    if ((family !== AF_INET || len < 16) && (family !== AF_INET6 || len < 28)) return false;
    this.remote.port = (bytes[at + 2] << 8) | bytes[at + 3];
    if (family !== this.lastFamily || !sameBytes(this.last, bytes, addrAt, addrLen)) {
      this.lastFamily = family;
      this.last.set(bytes.subarray(addrAt, addrAt + addrLen));
      this.remote.address = family === AF_INET ? formatIpv4(bytes, addrAt) : formatIpv6(bytes, addrAt);
    }
    return true;
  }
}

function sameBytes(last: Uint8Array, bytes: Uint8Array, at: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (last[i] !== bytes[at + i]) return false;
  return true;
}

export function formatIpv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** RFC 5952 text, as libuv's inet_ntop writes it (and so as dgram's rinfo.address reads), IPv4-mapped forms included. */
export function formatIpv6(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // An embedded IPv4 address (::a.b.c.d, ::ffff:a.b.c.d) is written dotted, as inet_ntop does.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 7 && words[7] !== 1) || (bestLen === 5 && words[5] === 0xffff))) {
      out += formatIpv4(b, at + 12);
      return out;
    }
    out += words[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}
