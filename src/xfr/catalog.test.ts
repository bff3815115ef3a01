import { describe, expect, it } from 'vitest';
import { catalogMembers } from './catalog.js';
import { ZoneData } from './zone-data.js';
import type { WireRR } from './message.js';
import { nameFromText } from '../zone/text/name-text.js';
import { parseZoneText } from '../zone/text/parser.js';

function zone(text: string): ZoneData {
  const records: WireRR[] = [];
  parseZoneText(`$ORIGIN cat.test.\n$TTL 0\n@ SOA invalid. invalid. 1 3600 600 86400 0\n@ NS invalid.\n${text}`, 'cat', { origin: 'cat.test.' },
    (r) => records.push({ name: r.owner, type: r.type, class: r.klass, ttl: r.ttl, rdata: r.rdata, start: 0, end: 0 }), (p) => { throw new Error(p.message); });
  return new ZoneData('cat.test.', records);
}

describe('catalogMembers (RFC 9432)', () => {
  it('reads version 2 members, ignoring properties below them', () => {
    const z = zone('version TXT "2"\nu1.zones PTR Example.COM.\nu2.zones PTR b.test.\ngroup.u2.zones TXT "g"\ncoo.u1.zones PTR other.\n');
    expect(catalogMembers(z)).toEqual([{ label: 'u2', zone: 'b.test.' }, { label: 'u1', zone: 'example.com.' }]);
    expect(nameFromText('b.test.', null)).toBeTruthy();
  });

  it.each([
    ['no version', 'u1.zones PTR a.test.\n', /version.*found none/],
    ['version 1', 'version TXT "1"\nu1.zones PTR a.test.\n', /found "1"/],
    ['two PTRs under one label', 'version TXT "2"\nu1.zones PTR a.test.\nu1.zones PTR b.test.\n', /more than one PTR/],
    ['one zone twice', 'version TXT "2"\nu1.zones PTR a.test.\nu2.zones PTR a.test.\n', /listed twice/],
  ])('refuses a broken catalog: %s', (_n, text, message) => {
    expect(() => catalogMembers(zone(text))).toThrow(message);
  });
});
