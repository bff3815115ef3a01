// ZoneData: the control plane's copy of a transferred zone, as compact keys; IXFR diffs all or nothing; the file text.

import { describe, expect, it } from 'vitest';
import { ZoneData } from './zone-data.js';
import { nameFromText } from '../zone/text/name-text.js';
import type { WireRR } from './message.js';

const rr = (name: string, type: number, rdata: number[], ttl = 300): WireRR => ({ name: nameFromText(name, null), type, class: 1, ttl, rdata: new Uint8Array(rdata), start: 0, end: 0 });
const soa = (serial: number) => {
  const names = [...nameFromText('ns1.z.test.', null), ...nameFromText('h.z.test.', null)];
  return rr('z.test.', 6, [...names, serial >>> 24, (serial >> 16) & 255, (serial >> 8) & 255, serial & 255, 0, 0, 14, 16, 0, 0, 3, 132, 0, 9, 58, 128, 0, 0, 0, 60]);
};

describe('ZoneData', () => {
  it('keeps the owner as sent in the file, and matches deletions whatever their case', async () => {
    const z = new ZoneData('z.test.', [soa(1), rr('WWW.z.test.', 1, [192, 0, 2, 1]), rr('mail.z.test.', 1, [192, 0, 2, 2], 60)]);
    expect(z.size).toBe(3);
    expect(z.soa.serial).toBe(1);
    const text = await z.toTextInSlices('zone z.test. serial 1 test', () => false, 1);
    expect(text).toBe('; zone z.test. serial 1 test\n$ORIGIN z.test.\nz.test. 300 IN SOA ns1.z.test. h.z.test. 1 3600 900 604800 60\nWWW.z.test. 300 IN A 192.0.2.1\nmail.z.test. 60 IN A 192.0.2.2\n');
    z.apply([{ from: 1, to: 2, deleted: [soa(1), rr('www.Z.TEST.', 1, [192, 0, 2, 1])], added: [soa(2), rr('new.z.test.', 28, new Array(16).fill(0))] }]);
    expect(z.soa.serial).toBe(2);
    expect([...z.all()].map((r) => r.type).sort((x, y) => x - y)).toEqual([1, 6, 28]);
  });

  it('undoes every step of a diff that does not fit', async () => {
    const z = new ZoneData('z.test.', [soa(1), rr('a.z.test.', 1, [192, 0, 2, 1])]);
    const before = await z.toTextInSlices('x');
    expect(() => z.apply([
      { from: 1, to: 2, deleted: [soa(1), rr('a.z.test.', 1, [192, 0, 2, 1])], added: [soa(2), rr('b.z.test.', 1, [192, 0, 2, 2])] },
      { from: 2, to: 3, deleted: [soa(2), rr('ghost.z.test.', 1, [192, 0, 2, 9])], added: [soa(3)] },
    ])).toThrow(/ghost\.z\.test\. type 1, which we do not hold/);
    expect(await z.toTextInSlices('x')).toBe(before);
    expect(z.soa.serial).toBe(1);
  });

  it('stops a slow write when the records change under it', async () => {
    const z = new ZoneData('z.test.', [soa(1), ...Array.from({ length: 50 }, (_, i) => rr(`h${i}.z.test.`, 1, [10, 0, 0, i]))]);
    let changed = false;
    const write = z.toTextInSlices('x', () => changed, 10);
    changed = true;
    await expect(write).rejects.toThrow();
  });
});
