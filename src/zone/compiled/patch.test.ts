// patchZone: a compiled zone patched with a diff answers every question exactly as the zone compiled from the
// patched text does (response bytes compared), and diffs it cannot take are refused, never half applied.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { PatchRefused, patchZone, type ZonePatch } from './patch.js';
import type { CompiledZone } from './compiled.js';
import { compileZoneText } from '../loading/load.js';
import { parseZoneText } from '../text/parser.js';
import type { ZoneRecord } from '../records/record.js';
import { packRecords } from '../records/packed-records.js';
import { allocateShared } from './growable.js';
import { QueryHandler } from '../../query/handler.js';
import { ZoneSet } from '../../query/zoneset.js';
import { Transport } from '../../query/stats.js';
import { nameToString } from '../../wire/name.js';
import { readFileSync } from 'node:fs';

const ORIGIN = 'example.test.';
const head = (serial: number) => `$ORIGIN ${ORIGIN}\n$TTL 300\n@ SOA ns1 host ${serial} 7200 900 1209600 60\n`;
const BASE = `@ NS ns1
@ NS ns2
ns1 A 192.0.2.1
ns2 A 192.0.2.2
www A 192.0.2.80
www A 192.0.2.81
www AAAA 2001:db8::80
@ MX 10 mail
a.b.c A 192.0.2.9
deep.x.y.z TXT "deep"
alias CNAME www
sub NS ns.sub
ns.sub A 192.0.2.53
below.sub A 192.0.2.54
*.wild A 192.0.2.77
srv._tcp SRV 0 0 53 ns1
shop MX 10 mail2
`;

function compile(text: string, origin = ORIGIN): CompiledZone {
  const r = compileZoneText(text, origin);
  expect(r.errors).toEqual([]);
  return r.zone!;
}

function records(text: string): ZoneRecord[] {
  const out: ZoneRecord[] = [];
  parseZoneText(text, 'test', { origin: ORIGIN }, (r) => out.push(r), (p) => {
    throw new Error(p.message);
  });
  return out;
}

/** The diff from text A to text B as one IXFR step (records keyed by owner, type and RDATA). */
function step(a: string, b: string) {
  const key = (r: ZoneRecord) => `${nameToString(r.owner).toLowerCase()}/${r.type}/${Buffer.from(r.rdata).toString('hex')}`;
  const ra = new Map(records(a).map((r) => [key(r), r]));
  const rb = new Map(records(b).map((r) => [key(r), r]));
  const pack = (rs: ZoneRecord[]) => packRecords(rs.map((r) => ({ name: r.owner, type: r.type, ttl: r.ttl, rdata: r.rdata })));
  return { deleted: pack([...ra].filter(([k]) => !rb.has(k)).map(([, r]) => r)), added: pack([...rb].filter(([k]) => !ra.has(k)).map(([, r]) => r)) };
}

/** Text `body` at serial 1 changed into: its lines minus `del`, plus `add` appended (so RRset order matches), serial 2. */
function edit(body: string, del: string[], add: string[], serial = 1): { before: string; after: string; patch: ZonePatch } {
  const before = head(serial) + body;
  const kept = body.split('\n').filter((l) => l && !del.includes(l));
  const after = head(serial + 1) + [...kept, ...add].join('\n') + '\n';
  return { before, after, patch: { fromSerial: serial, toSerial: serial + 1, steps: [step(before, after)] } };
}

function handler(zone: CompiledZone): QueryHandler {
  const h = new QueryHandler({ nsid: 'unit', identity: 'unit', version: null });
  h.zones = new ZoneSet([zone]);
  return h;
}

const TYPES = ['A', 'AAAA', 'NS', 'MX', 'TXT', 'SOA', 'CNAME', 'SRV', 'DS', 'ANY'] as const;

/** Every owner of both texts, a child and a wildcard match of each, and some names that never exist. */
function questionNames(...texts: string[]): string[] {
  const names = new Set<string>(['example.test', 'nothere.example.test', 'b.example.test', 'c.b.example.test', 'y.z.example.test']);
  for (const t of texts) {
    for (const r of records(t)) {
      const n = nameToString(r.owner).toLowerCase().replace(/\.$/, '');
      names.add(n);
      names.add(`child.${n}`);
      names.add(n.replace(/^\*/, 'matched'));
    }
  }
  return [...names];
}

function answersAlike(patched: CompiledZone, direct: CompiledZone, names: string[]): void {
  const hp = handler(patched);
  const hd = handler(direct);
  for (const name of names) {
    for (const type of TYPES) {
      for (const dnssecOk of [false, true]) {
        const q = dnsPacket.encode({
          type: 'query', id: 7, flags: 0, questions: [{ name, type: type as 'A', class: 'IN' }],
          additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnssecOk ? dnsPacket.DNSSEC_OK : 0 } as unknown as dnsPacket.Answer],
        });
        hp.handle(q, q.length, Transport.Udp);
        const a = Buffer.from(hp.response());
        hd.handle(q, q.length, Transport.Udp);
        const b = Buffer.from(hd.response());
        if (!a.equals(b)) expect({ name, type, patched: dnsPacket.decode(a) }).toEqual({ name, type, patched: dnsPacket.decode(b) });
      }
    }
  }
}

function check(body: string, del: string[], add: string[]): CompiledZone {
  const { before, after, patch } = edit(body, del, add);
  const patched = patchZone(compile(before), patch);
  const direct = compile(after);
  expect(patched.meta.serial).toBe(2);
  expect(patched.meta.records).toBe(direct.meta.records);
  answersAlike(patched, direct, questionNames(before, after));
  return patched;
}

describe('patchZone answers as the zone compiled from the patched text', () => {
  it('changes records of an existing name', () => {
    check(BASE, ['www A 192.0.2.81', 'www AAAA 2001:db8::80'], ['www A 192.0.2.82', 'www TXT "new"']);
  });

  it('adds names, with the empty non-terminals above them', () => {
    check(BASE, [], ['new A 192.0.2.100', 'p.q.r.s TXT "four deep"', 'x.b.c AAAA 2001:db8::9']);
  });

  it('removes names: a leaf, and an empty non-terminal left with no child', () => {
    check(BASE, ['deep.x.y.z TXT "deep"', 'ns2 A 192.0.2.2', '@ NS ns2'], []);
  });

  it('keeps an emptied name that still has names below it as an empty non-terminal', () => {
    check(`${BASE}b.c TXT "mid"\n`, ['b.c TXT "mid"'], []);
  });

  it('adds and removes delegations, glue included', () => {
    check(BASE, ['sub NS ns.sub', 'ns.sub A 192.0.2.53'], ['newsub NS ns.newsub', 'newsub NS ns1', 'ns.newsub A 192.0.2.60']);
  });

  it('turns an existing empty non-terminal into a delegation, cutting off the names below', () => {
    check(BASE, [], ['b.c NS ns1']);
  });

  it('turns a delegation back into plain data when its NS goes', () => {
    check(BASE, ['sub NS ns.sub'], ['sub TXT "no longer delegated"']);
  });

  it('finds an in-zone target created after the record pointing to it (additional data)', () => {
    check(BASE, [], ['mail A 192.0.2.25', 'mail AAAA 2001:db8::25', 'mail2 A 192.0.2.26']);
  });

  it('adds and removes wildcards', () => {
    check(BASE, ['*.wild A 192.0.2.77'], ['*.other TXT "wild"', 'exists.other A 192.0.2.3']);
  });

  it('adds CNAME and DNAME', () => {
    check(BASE, [], ['alias2 CNAME mail', 'moved DNAME elsewhere.test.', 'under.moved A 192.0.2.1']);
  });

  it('grows the hash table for many new names', () => {
    const add = Array.from({ length: 3000 }, (_, i) => `host${i} A 10.0.${i >> 8}.${i & 255}`);
    const patched = check(BASE, [], add);
    expect(patched.hashTable.length).toBeGreaterThan(compile(head(1) + BASE).hashTable.length);
  });

  it('takes a chain of diffs, each answering like its compiled text', () => {
    let body = BASE;
    let zone = compile(head(1) + body);
    for (let serial = 1; serial <= 40; serial++) {
      const lines = body.split('\n').filter(Boolean);
      const del = serial % 3 === 0 ? [lines[lines.length - 1]] : [];
      const add = [`gen${serial}.n${serial % 5} A 198.51.100.${serial}`];
      const { before, after, patch } = edit(body, del, add, serial);
      zone = patchZone(zone, patch);
      answersAlike(zone, compile(after), questionNames(before, after));
      body = after.split('\n').slice(3).join('\n');
    }
    expect(zone.meta.serial).toBe(41);
  });

  it('counts the octets it leaves unreferenced, and refuses once they pass a quarter of the zone', () => {
    let body = BASE + Array.from({ length: 300 }, (_, i) => `filler${i} TXT "${'f'.repeat(60)}"`).join('\n') + '\n';
    let zone = compile(head(1) + body);
    let refused: Error | null = null;
    for (let serial = 1; serial < 200 && !refused; serial++) {
      const { patch, after } = edit(body, [], [`www TXT "${'x'.repeat(100)}${serial}"`], serial);
      try {
        zone = patchZone(zone, patch, 0);
        body = after.split('\n').slice(3).join('\n');
      } catch (err) {
        refused = err as Error;
      }
    }
    expect(refused).toBeInstanceOf(PatchRefused);
    expect(refused!.message).toMatch(/unreferenced/);
    expect(zone.meta.unreferencedBytes).toBeGreaterThan(0);
  });
});

describe('patchZone on a signed zone', () => {
  const signed = readFileSync(new URL('../testdata/dnssec.test.zone', import.meta.url), 'utf8');
  const SIGNED = 'dnssec.test.';
  const resigned = signed
    .replace('@ SOA ns hostmaster 1 ', '@ SOA ns hostmaster 2 ')
    .replace('@ RRSIG SOA 8 2 3600 20300101000000 20240101120000', '@ RRSIG SOA 8 2 3600 20290101000000 20240201120000');

  it('takes a re-signing (new RRSIGs, same names and chain) and answers with DO as the compiled text does', () => {
    const before = compile(signed, SIGNED);
    expect(before.signed).toBe(true);
    const patched = patchZone(before, { fromSerial: 1, toSerial: 2, steps: [step(signed, resigned)] });
    const direct = compile(resigned, SIGNED);
    answersAlike(patched, direct, questionNames(signed, resigned));
    expect(patched.meta.signatureExpiry).toBe(direct.meta.signatureExpiry);
  });

  it('refuses a new name in a zone with NSEC/NSEC3 denial (the chain must change with it)', () => {
    const grown = resigned + 'newname A 192.0.2.99\n';
    expect(() => patchZone(compile(signed, SIGNED), { fromSerial: 1, toSerial: 2, steps: [step(signed, grown)] })).toThrow(/adds names to a zone with NSEC\/NSEC3 denial/);
  });
});

describe('patchZone on shared memory (zones that take diffs live in SharedArrayBuffers)', () => {
  it('appends in place past the end of the served arrays, and the zone served before still answers as it did', () => {
    allocateShared(true);
    try {
      const first = edit(BASE, ['www A 192.0.2.81'], ['new1 A 192.0.2.101']);
      const z0 = compile(first.before);
      const z1 = patchZone(z0, first.patch);
      const body2 = first.after.split('\n').slice(3).join('\n');
      const second = edit(body2, ['new1 A 192.0.2.101'], ['www TXT "second"', 'new2 AAAA 2001:db8::2'], 2);
      const z2 = patchZone(z1, second.patch);
      expect(z0.rdata.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(z2.rdata.buffer).toBe(z1.rdata.buffer);
      expect(z2.rrsets.buffer).toBe(z1.rrsets.buffer);
      expect(z2.rdata.length).toBeGreaterThan(z1.rdata.length);
      answersAlike(z1, compile(first.after), questionNames(first.before, first.after));
      answersAlike(z2, compile(second.after), questionNames(second.before, second.after));
      answersAlike(z0, compile(first.before), questionNames(first.before, first.after));
    } finally {
      allocateShared(false);
    }
  });
});

describe('patchZone refuses what it cannot apply, leaving the zone as it was', () => {
  const zone = () => compile(head(1) + BASE);

  it('a diff from another serial', () => {
    const { patch } = edit(BASE, [], ['x A 192.0.2.1'], 5);
    expect(() => patchZone(zone(), patch)).toThrow(/starts at serial 5/);
  });

  it('a deletion of a record the zone does not hold', () => {
    const { patch } = edit(`${BASE}ghost A 192.0.2.99\n`, ['ghost A 192.0.2.99'], []);
    expect(() => patchZone(zone(), patch)).toThrow(/does not hold/);
  });

  it('a result the compiler would refuse: CNAME and other data', () => {
    const { patch } = edit(BASE, [], ['alias A 192.0.2.1']);
    const z = zone();
    const rdataBefore = Buffer.from(z.rdata);
    expect(() => patchZone(z, patch)).toThrow(/CNAME and other data/);
    expect(Buffer.from(z.rdata).equals(rdataBefore)).toBe(true);
  });

  it('a delegation whose in-bailiwick name server has no glue', () => {
    const { patch } = edit(BASE, [], ['nsless NS ns.nsless']);
    expect(() => patchZone(zone(), patch)).toThrow(/no glue/);
  });

  it('a change to the NSEC chain', () => {
    const { patch } = edit(BASE, [], ['www NSEC alias.example.test. A AAAA RRSIG NSEC']);
    expect(() => patchZone(zone(), patch)).toThrow(PatchRefused);
  });

  it('a record outside the zone', () => {
    const bad = { fromSerial: 1, toSerial: 2, steps: [{ deleted: new Uint8Array(0), added: packRecords([{ name: new Uint8Array([3, 0x6f, 0x72, 0x67, 0]), type: 1, ttl: 1, rdata: new Uint8Array(4) }]) }] };
    expect(() => patchZone(zone(), bad)).toThrow(/outside the zone/);
  });
});
