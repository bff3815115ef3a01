// The native UDP path must name clients exactly as node:dgram does: checked against node:net's own formatting.

import { SocketAddress } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SockaddrReader, formatIpv6 } from './sockaddr.js';

function v6Bytes(text: string): Uint8Array {
  const sa = new SocketAddress({ address: text, family: 'ipv6' });
  // Expand via URL-free parsing: node's SocketAddress normalises; build bytes from its canonical text with a tiny parser.
  const parts = sa.address.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const words = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail].map((w) => parseInt(w, 16));
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

describe('formatIpv6', () => {
  for (const text of ['::1', '::', '2001:db8::1', '2001:db8:0:1:0:0:0:1', 'fe80::1:0:0:1', '1:0:0:2:0:0:0:3', '2001:db8:1:2:3:4:5:6', '1::', '0:1::']) {
    it(`matches node for ${text}`, () => {
      const canonical = new SocketAddress({ address: text, family: 'ipv6' }).address;
      expect(formatIpv6(v6Bytes(text), 0)).toBe(canonical);
    });
  }

  it('writes IPv4-mapped addresses dotted', () => {
    const b = new Uint8Array(16);
    b[10] = b[11] = 0xff;
    b.set([192, 0, 2, 7], 12);
    expect(formatIpv6(b, 0)).toBe('::ffff:192.0.2.7');
  });
});

describe('SockaddrReader', () => {
  it('reads sockaddr_in and sockaddr_in6, and refuses a short one', () => {
    const r = new SockaddrReader();
    const v4 = new Uint8Array(32);
    v4.set([2, 0, 0x14, 0xe9, 127, 0, 0, 9]);
    expect(r.read(v4, 0, 16)).toBe(true);
    expect(r.remote).toEqual({ address: '127.0.0.9', port: 5353 });
    const v6 = new Uint8Array(32);
    v6.set([10, 0, 0, 53]);
    v6[23] = 1;
    expect(r.read(v6, 0, 28)).toBe(true);
    expect(r.remote).toEqual({ address: '::1', port: 53 });
    expect(r.read(v6, 0, 16)).toBe(false);
    expect(r.read(new Uint8Array(32), 0, 16)).toBe(false);
  });
});
