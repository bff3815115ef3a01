// Tests for the last-resort SERVFAIL: echoes ID and opcode, never answers a response or a runt.

import { describe, expect, it } from 'vitest';
import { servfailFor } from './servfail.js';

describe('servfailFor', () => {
  it('echoes the ID and opcode with QR set and RCODE SERVFAIL', () => {
    const q = Buffer.alloc(17);
    q.writeUInt16BE(0xbeef, 0);
    q[2] = (4 << 3) | 1; // NOTIFY, RD
    const r = servfailFor(q)!;
    expect(r.length).toBe(12);
    expect(r.readUInt16BE(0)).toBe(0xbeef);
    expect(r[2]).toBe(0x80 | (4 << 3));
    expect(r[3]).toBe(2);
  });

  it('gives nothing for a message shorter than a header or a response', () => {
    expect(servfailFor(Buffer.alloc(11))).toBeNull();
    const resp = Buffer.alloc(12);
    resp[2] = 0x80;
    expect(servfailFor(resp)).toBeNull();
  });
});
