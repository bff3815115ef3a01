// Tests for signed-zone compilation: RRSIGs per covered type, canonical NSEC order, NSEC3 index, chain checks, expiry.

import { describe, expect, it } from 'vitest';
import { compileZoneText } from '../loading/load.js';
import { type CompiledZone, Denial, NODE_STRIDE, N_NAME_OFF, RRSET_STRIDE, R_TTL, findNode, findSignatures } from '../compiled/compiled.js';
import { NameKey } from '../../wire/name-key.js';
import { nameToString } from '../../wire/name.js';
import { nameFromText } from '../text/name-text.js';
import { encodeBase32Hex, nsec3Hash } from './nsec3-hash.js';
import { T_A, T_NSEC } from '../../wire/constants.js';

const SIG = '13 3 3600 20270101000000 20261201000000 1 example.test. AAAA';
const HEAD = `$ORIGIN example.test.
$TTL 3600
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
@ RRSIG SOA 13 2 3600 20270101000000 20261201000000 1 example.test. AAAA
ns1 A 192.0.2.1
`;

/** RFC 4034 section 6.1's example, moved under example.test., in canonical order. */
const CANONICAL = ['example.test.', 'a.example.test.', 'yljkjljk.a.example.test.', 'Z.a.example.test.', 'zABC.a.example.test.', 'z.example.test.', '\\001.z.example.test.', '*.z.example.test.', '\\200.z.example.test.'];

/** A zone holding the names of `all`, with NSEC records at the names of `chain` linking them in that order. */
function nsecZone(all: string[], chain: string[]): string {
  const data = all.filter((n) => n !== 'example.test.' && n !== 'ns1.example.test.').map((n) => `${n} A 192.0.2.9`);
  const links = chain.map((n, i) => `${n} 60 NSEC ${chain[(i + 1) % chain.length]} A RRSIG NSEC\n${n} 60 RRSIG NSEC ${SIG}`);
  return `${HEAD}${data.join('\n')}\n${links.join('\n')}\n`;
}

function compile(text: string): { zone: CompiledZone; warnings: string[] } {
  const r = compileZoneText(text, 'example.test.');
  expect(r.errors).toEqual([]);
  return { zone: r.zone!, warnings: r.warnings.map((w) => `${w.line}: ${w.message}`) };
}

function node(zone: CompiledZone, name: string): number {
  const key = new NameKey();
  key.setFrom(nameFromText(name, null), 0);
  return findNode(zone, key.hashes[0], key.bytes, 0, key.len);
}

describe('RRSIGs', () => {
  it('form one set per covered type, each with its own TTL and no RFC 2181 warning (RFC 4034 section 3)', () => {
    const { zone, warnings } = compile(`${HEAD}www A 192.0.2.2\nwww RRSIG A ${SIG}\nwww 300 RRSIG NSEC 13 3 300 20261215000000 20261201000000 1 example.test. AAAA\nwww 300 NSEC example.test. A RRSIG NSEC\n`);
    expect(warnings.filter((w) => w.includes('2181'))).toEqual([]);
    const www = node(zone, 'www.example.test.');
    expect(zone.rrsets[findSignatures(zone, www, T_A) * RRSET_STRIDE + R_TTL]).toBe(3600);
    expect(zone.rrsets[findSignatures(zone, www, T_NSEC) * RRSET_STRIDE + R_TTL]).toBe(300);
  });

  it('records the earliest expiry and where it is', () => {
    const { zone } = compile(`${HEAD}www A 192.0.2.2\nwww RRSIG A 13 3 3600 20261215000000 20261201000000 1 example.test. AAAA\n`);
    expect(zone.meta.signatureExpiry).toBe(Date.UTC(2026, 11, 15) / 1000);
    expect(zone.meta.signatureExpiryWhere).toBe('zone:8');
    expect(zone.meta.signatureExpiryRecord).toBe('www.example.test. RRSIG(A)');
  });
});

describe('NSEC chain', () => {
  const sorted = ['example.test.', 'a.example.test.', 'yljkjljk.a.example.test.', 'z.a.example.test.', 'zabc.a.example.test.', 'ns1.example.test.', '\\001.z.example.test.', '*.z.example.test.', '\\200.z.example.test.'];

  it('orders NSEC owners canonically (RFC 4034 section 6.1)', () => {
    const text = HEAD + CANONICAL.slice(1).filter((n) => n !== 'z.example.test.').map((n) => `${n} A 192.0.2.9\n${n} 60 NSEC example.test. A\n`).join('') + '@ 60 NSEC a.example.test. NS SOA\nns1 60 NSEC example.test. A\n';
    const { zone } = compile(text);
    expect(zone.denial).toBe(Denial.Nsec);
    expect(Array.from(zone.nsecOrder, (n) => nameToString(zone.names, zone.nodes[n * NODE_STRIDE + N_NAME_OFF]))).toEqual(sorted);
  });

  it('check: a complete chain passes; a broken link and a name left out are reported with their lines', () => {
    expect(compile(nsecZone(sorted, sorted)).warnings).toEqual([]);
    const broken = sorted.filter((n) => n !== 'z.a.example.test.');
    const { warnings } = compile(nsecZone(sorted, broken));
    expect(warnings).toContainEqual(expect.stringMatching(/^\d+: z\.a\.example\.test\. has no NSEC record/));
    const swapped = [...sorted];
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    expect(compile(nsecZone(sorted, swapped)).warnings).toContainEqual(expect.stringMatching(/^\d+: NSEC at example\.test\. points to yljkjljk\.a\.example\.test\., but the next name in the chain is a\.example\.test\./));
  });
});

describe('NSEC3 index', () => {
  const salt = Uint8Array.from([0xab, 0xcd]);
  const hashOf = (name: string): string => {
    const wire = nameFromText(name, null);
    const out = new Uint8Array(20);
    nsec3Hash(wire, 0, wire.length, salt, 1, out, 0);
    return encodeBase32Hex(out);
  };
  const owners = ['example.test.', 'ns1.example.test.', 'www.example.test.'];
  const hashes = owners.map(hashOf).sort();
  const zoneText = (params: string, nextOf: (i: number) => string): string =>
    `${HEAD}www A 192.0.2.2\n@ 0 NSEC3PARAM ${params}\n` +
    hashes.map((h, i) => `${h} 60 NSEC3 1 0 1 abcd ${nextOf(i)} A\n${h} 60 RRSIG NSEC3 ${SIG}`).join('\n') + '\n';

  it('sorts the hashes, flags the owners, and matches every name to its NSEC3 at compile time', () => {
    const { zone, warnings } = compile(zoneText('1 0 1 abcd', (i) => hashes[(i + 1) % 3]));
    expect(warnings).toEqual([]);
    expect(zone.denial).toBe(Denial.Nsec3);
    expect(zone.nsec3Iterations).toBe(1);
    for (const name of owners) {
      const m = zone.nodeNsec3[node(zone, name)];
      expect(m).toBeGreaterThanOrEqual(0);
      expect(encodeBase32Hex(zone.nsec3Hashes.subarray(m * 20, m * 20 + 20))).toBe(hashOf(name));
    }
  });

  it('check: NSEC3PARAM that does not match the chain, and a broken link, are reported', () => {
    const { warnings } = compile(zoneText('1 0 2 abcd', (i) => hashes[i]));
    expect(warnings.some((w) => /other than the apex NSEC3PARAM/.test(w))).toBe(true);
    expect(warnings.some((w) => /but the next hash in the chain is/.test(w))).toBe(true);
  });
});
