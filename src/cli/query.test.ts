// `anycastd query` prints every record as dig and kdig do: names in rdata fully qualified, checked against kdig itself.

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from './query.js';

const run = promisify(execFile);
const KDIG = spawnSync('kdig', ['-h'], { encoding: 'utf8' }).error === undefined;
if (!KDIG && process.env.REQUIRE_E2E === '1') throw new Error('REQUIRE_E2E=1 but kdig is missing (Debian package: knot-dnsutils)');

/** SVCB/HTTPS rdata by hand (dns-packet has no codec): priority 1, target svc.example.test., alpn=h2,h3 port=8443 ipv6hint=2001:db8::1. */
function svcb(): Buffer {
  const target = Buffer.from([3, ...Buffer.from('svc'), 7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0]);
  const alpn = Buffer.from([2, ...Buffer.from('h2'), 2, ...Buffer.from('h3')]);
  const param = (key: number, value: Buffer) => Buffer.concat([Buffer.from([key >> 8, key & 0xff, value.length >> 8, value.length & 0xff]), value]);
  const v6 = Buffer.from('20010db8000000000000000000000001', 'hex');
  return Buffer.concat([Buffer.from([0, 1]), target, param(1, alpn), param(3, Buffer.from([0x20, 0xfb])), param(6, v6)]);
}

const ANSWERS = [
  { type: 'SOA', name: 'example.test', ttl: 300, data: { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 60 } },
  { type: 'NS', name: 'example.test', ttl: 300, data: 'ns1.example.test' },
  { type: 'MX', name: 'example.test', ttl: 300, data: { preference: 10, exchange: 'mail.example.test' } },
  { type: 'CNAME', name: 'www.example.test', ttl: 300, data: 'web.example.test' },
  { type: 'DNAME', name: 'old.example.test', ttl: 300, data: 'new.example.test' },
  { type: 'PTR', name: '10.2.0.192.in-addr.arpa', ttl: 300, data: 'www.example.test' },
  { type: 'SRV', name: '_sip._udp.example.test', ttl: 300, data: { priority: 10, weight: 5, port: 5060, target: 'sip.example.test' } },
  { type: 'NAPTR', name: 'example.test', ttl: 300, data: { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.test' } },
  { type: 'RRSIG', name: 'example.test', ttl: 300, data: { typeCovered: 'A', algorithm: 13, labels: 2, originalTTL: 300, expiration: 1767225600, inception: 1764547200, keyTag: 12345, signersName: 'example.test', signature: Buffer.from('0123456789abcdef0123456789abcdef') } },
  { type: 'NSEC', name: 'a.example.test', ttl: 60, data: { nextDomain: 'b.example.test', rrtypes: ['A', 'RRSIG', 'NSEC'] } },
  { type: 'NSEC3', name: 'example.test', ttl: 60, data: { algorithm: 1, flags: 0, iterations: 0, salt: Buffer.from('aabb', 'hex'), nextDomain: Buffer.from('0123456789abcdef0123', 'hex'), rrtypes: ['A', 'RRSIG'] } },
  { type: 'DS', name: 'child.example.test', ttl: 300, data: { keyTag: 12345, algorithm: 13, digestType: 2, digest: Buffer.from('ab'.repeat(32), 'hex') } },
  { type: 'DNSKEY', name: 'example.test', ttl: 300, data: { flags: 257, algorithm: 13, key: Buffer.from('k'.repeat(64)) } },
  { type: 'TXT', name: 'example.test', ttl: 300, data: ['v=spf1 -all', 'say "hi"\\'] },
  { type: 'CAA', name: 'example.test', ttl: 300, data: { flags: 0, tag: 'issue', value: 'ca.example' } },
  { type: 'A', name: 'www.example.test', ttl: 300, data: '192.0.2.10' },
  { type: 'AAAA', name: 'www.example.test', ttl: 300, data: '2001:db8::10' },
  { type: 'NS', name: '.', ttl: 300, data: 'a.root-servers.test' },
] as dnsPacket.Answer[];

/** Appends the SVCB and HTTPS records as raw bytes after what dns-packet encodes. */
function response(query: Buffer): Buffer {
  const q = dnsPacket.decode(query);
  const base = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers: ANSWERS });
  const rdata = svcb();
  const owner = Buffer.from([4, ...Buffer.from('_svc'), 7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0]);
  const rr = (type: number) => Buffer.concat([owner, Buffer.from([0, type, 0, 1, 0, 0, 1, 0x2c, rdata.length >> 8, rdata.length & 0xff]), rdata]);
  const out = Buffer.concat([base, rr(64), rr(65)]);
  out.writeUInt16BE(ANSWERS.length + 2, 6);
  return out;
}

let server: dgram.Socket;
let port: number;
beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, from) => server.send(response(msg), from.port, from.address));
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

async function ours(): Promise<string[]> {
  const lines: string[] = [];
  await runQuery('example.test', 'ANY', { server: `127.0.0.1:${port}`, timeout: '2', class: 'IN' }, (l) => lines.push(l));
  const at = lines.indexOf('\n;; ANSWER SECTION:');
  return lines.slice(at + 1, at + 1 + ANSWERS.length + 2);
}

const tokens = (line: string) => line.trim().split(/\s+/);

describe('anycastd query output', () => {
  it('prints names inside record data with the trailing dot', async () => {
    const lines = await ours();
    expect(lines).toContain('example.test.\t300\tIN\tSOA\tns1.example.test. hostmaster.example.test. 2024010101 7200 900 1209600 60');
    expect(lines).toContain('example.test.\t300\tIN\tMX\t10 mail.example.test.');
    expect(lines).toContain('example.test.\t300\tIN\tNS\tns1.example.test.');
    expect(lines).toContain('www.example.test.\t300\tIN\tCNAME\tweb.example.test.');
    expect(lines).toContain('old.example.test.\t300\tIN\tDNAME\tnew.example.test.');
    expect(lines).toContain('10.2.0.192.in-addr.arpa.\t300\tIN\tPTR\twww.example.test.');
    expect(lines).toContain('_sip._udp.example.test.\t300\tIN\tSRV\t10 5 5060 sip.example.test.');
    expect(lines).toContain('example.test.\t300\tIN\tNAPTR\t100 10 "S" "SIP+D2U" "" _sip._udp.example.test.');
    expect(lines).toContain('a.example.test.\t60\tIN\tNSEC\tb.example.test. A RRSIG NSEC');
    expect(lines).toContain('_svc.example.test.\t300\tIN\tHTTPS\t1 svc.example.test. alpn=h2,h3 port=8443 ipv6hint=2001:db8::1');
    expect(lines).toContain('.\t300\tIN\tNS\ta.root-servers.test.');
    expect(lines.find((l) => l.includes('RRSIG'))).toMatch(/ 12345 example\.test\. /);
  });

  it.skipIf(!KDIG)('prints every record as kdig does', async () => {
    // Not spawnSync: the answering server runs on this event loop.
    const { stdout } = await run('kdig', [`@127.0.0.1`, '-p', String(port), '+noall', '+answer', '+notcp', '+time=2', 'example.test', 'ANY'], { timeout: 10_000 });
    const theirs = stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).map(tokens);
    const mine = (await ours()).map(tokens);
    expect(mine.length).toBe(theirs.length);
    // kdig writes some base-16/32 fields in lower case; the text is otherwise the same.
    for (let i = 0; i < mine.length; i++) expect(mine[i].join(' ').toLowerCase(), theirs[i].join(' ')).toBe(theirs[i].join(' ').toLowerCase());
  });
});
