// Per-type rdata tests, cross-checked against dns-packet where its encoders are right.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseZoneText } from './parser.js';
import type { ZoneProblem, ZoneRecord } from '../records/record.js';
import { typeFromText, typeToText } from './rdata-text.js';

const dp = createRequire(import.meta.url)('dns-packet') as Record<string, { encode(d: unknown): Buffer }>;
/** dns-packet's rdata for the same data, without its RDLENGTH prefix: the reference for byte-exactness. */
const pk = (codec: string, data: unknown): string => dp[codec].encode(data).subarray(2).toString('hex');

function parse(line: string): { recs: ZoneRecord[]; problems: ZoneProblem[] } {
  const recs: ZoneRecord[] = [];
  const problems: ZoneProblem[] = [];
  parseZoneText(`x ${line}\n`, 't.zone', { origin: 'example.' }, (r) => recs.push(r), (p) => problems.push(p));
  return { recs, problems };
}

function rd(line: string): string {
  const { recs, problems } = parse(line);
  expect(problems).toEqual([]);
  expect(recs).toHaveLength(1);
  return Buffer.from(recs[0].rdata).toString('hex');
}

function err(line: string): string {
  const { recs, problems } = parse(line);
  expect(recs).toEqual([]);
  expect(problems).toHaveLength(1);
  return problems[0].message;
}

/** Independent base32hex encoder (RFC 4648 section 7) for test vectors. */
function base32hex(b: Buffer): string {
  const A = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
  let v = 0;
  let bits = 0;
  let s = '';
  for (const x of b) {
    v = ((v << 8) | x) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      s += A[(v >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? s + A[(v << (5 - bits)) & 31] : s;
}

const name = (n: string): string => dp.ns.encode(n).subarray(2).toString('hex');

describe('types match dns-packet where it is correct', () => {
  it('A', () => expect(rd('A 192.0.2.1')).toBe(pk('a', '192.0.2.1')));
  it('AAAA', () => {
    for (const a of ['2001:db8::1', '::', '::1', '1::', 'fe80::1:2', '2001:db8:1:2:3:4:5:6', '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7::']) {
      expect(rd(`AAAA ${a}`)).toBe(pk('aaaa', a));
    }
  });
  it('NS, CNAME, PTR, DNAME', () => {
    for (const t of ['NS', 'CNAME', 'PTR', 'DNAME']) expect(rd(`${t} host.example.`)).toBe(pk('ns', 'host.example'));
    expect(rd('NS host')).toBe(name('host.example'));
  });
  it('MX', () => expect(rd('MX 10 mail.example.')).toBe(pk('mx', { preference: 10, exchange: 'mail.example' })));
  it('TXT', () => expect(rd('TXT "hello world" two')).toBe(pk('txt', ['hello world', 'two'])));
  it('SOA', () => {
    const soa = { mname: 'ns.example', rname: 'hm.example', serial: 1, refresh: 7200, retry: 900, expire: 604800, minimum: 300 };
    expect(rd('SOA ns hm 1 2h 15m 1w 300')).toBe(pk('soa', soa));
  });
  it('SRV', () => expect(rd('SRV 1 2 443 t.example.')).toBe(pk('srv', { priority: 1, weight: 2, port: 443, target: 't.example' })));
  it('HINFO', () => expect(rd('HINFO "PC" "Linux 6"')).toBe(pk('hinfo', { cpu: 'PC', os: 'Linux 6' })));
  it('NAPTR', () => {
    const d = { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example' };
    expect(rd('NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp')).toBe(pk('naptr', d));
  });
  it('CAA', () => expect(rd('CAA 128 issue "ca.example"')).toBe(pk('caa', { flags: 128, tag: 'issue', value: 'ca.example' })));
  it('DS', () => {
    const digest = Buffer.from('2bb183af5f22588179a53b0a98631fad1a292118', 'hex');
    expect(rd('DS 60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118')).toBe(pk('ds', { keyTag: 60485, algorithm: 5, digestType: 1, digest }));
  });
  it('DNSKEY', () => {
    const key = Buffer.from('PylHsCPYouIQukSW/PjUbbAd6bLThr8iwoqPJnMpekY=', 'base64');
    expect(rd('DNSKEY 256 3 13 PylHsCPYouIQukSW /PjUbbAd6bLThr8iwoqPJnMpekY=')).toBe(pk('dnskey', { flags: 256, algorithm: 13, key }));
  });
  it('RRSIG', () => {
    const signature = Buffer.from('zay+sh0jpubKuEKpV9zCTjVYiEU=', 'base64');
    const sig = { typeCovered: 'A', algorithm: 13, labels: 2, originalTTL: 300, expiration: 1893456000, inception: 1704067200, keyTag: 1, signersName: 'example', signature };
    expect(rd('RRSIG A 13 2 300 20300101000000 20240101000000 1 @ zay+sh0jpubKuEKpV9zCTjVYiEU=')).toBe(pk('rrsig', sig));
    expect(rd('RRSIG A 13 2 300 1893456000 1704067200 1 @ zay+sh0jpubKuEKpV9zCTjVYiEU=')).toBe(pk('rrsig', sig));
  });
  it('NSEC', () => expect(rd('NSEC next.example. A NS SOA RRSIG NSEC DNSKEY CAA')).toBe(pk('nsec', { nextDomain: 'next.example', rrtypes: ['A', 'NS', 'SOA', 'RRSIG', 'NSEC', 'DNSKEY', 'CAA'] })));
  it('NSEC3', () => {
    const nextDomain = Buffer.from('16fe9f97fa74c0b5d22a64c2f2c0ad6c9fc3f3e4', 'hex');
    const b32 = base32hex(nextDomain).toLowerCase();
    const d = { algorithm: 1, flags: 1, iterations: 12, salt: Buffer.from('aabbccdd', 'hex'), nextDomain, rrtypes: ['A', 'RRSIG'] };
    expect(rd(`NSEC3 1 1 12 aabbccdd ${b32} A RRSIG`)).toBe(pk('nsec3', d));
    expect(rd(`NSEC3 1 1 12 aabbccdd ${b32.toUpperCase()} A RRSIG`)).toBe(pk('nsec3', d));
  });
  it('TLSA', () => expect(rd('TLSA 3 1 1 abcd ef01')).toBe(pk('tlsa', { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('abcdef01', 'hex') })));
  it('SSHFP', () => {
    const fp = 'a2fabb69fac3781d19751ca52e8150191793e4de';
    expect(rd(`SSHFP 1 1 ${fp}`)).toBe(pk('sshfp', { algorithm: 1, hash: 1, fingerprint: fp }));
  });
});

describe('types dns-packet gets wrong or lacks', () => {
  it('names with escapes inside rdata', () => {
    expect(rd('NS a\\.b.example.')).toBe('03612e62076578616d706c6500');
    expect(rd('MX 1 \\065.')).toBe('0001014100');
  });
  it('DNSKEY keeps a protocol other than 3', () => expect(rd('DNSKEY 256 2 13 AAEC')).toBe('0100020d000102'));
  it('SSHFP with other fingerprint types', () => expect(rd('SSHFP 2 3 ab')).toBe('0203ab'));
  it('NSEC/NSEC3 bitmaps with TYPEnnn and high windows', () => {
    const w0 = '000140'; // window 0: A
    const w4 = '041b' + '00'.repeat(26) + '20'; // TYPE1234 = window 4, bit 210
    const w255 = 'ff20' + '00'.repeat(31) + '02'; // TYPE65534 = window 255, bit 254
    expect(rd('NSEC @ A TYPE1234 TYPE65534')).toBe('076578616d706c6500' + w0 + w4 + w255);
    expect(rd('NSEC . TYPE1')).toBe('00' + w0);
    expect(rd('NSEC . ')).toBe('00');
    expect(rd('NSEC3 1 0 0 - 00 TYPE1')).toBe('0100000000' + '0100' + w0);
  });
  it('NSEC3PARAM', () => {
    expect(rd('NSEC3PARAM 1 0 12 aabbccdd')).toBe('0100000c04aabbccdd');
    expect(rd('NSEC3PARAM 1 0 0 -')).toBe('0100000000');
  });
  it('CAA value with escaped octets', () => expect(rd('CAA 0 issue "a\\200"')).toBe('00056973737565' + '61c8'));
  it('SVCB / HTTPS', () => {
    expect(rd('HTTPS 0 foo.example.')).toBe('0000' + name('foo.example'));
    expect(rd('SVCB 1 . port=443 alpn=h2,h3')).toBe('000100' + '0001000602683202683' + '3' + '0003000201bb');
    expect(rd('SVCB 1 . no-default-alpn alpn=h2')).toBe('000100' + '00010003026832' + '00020000');
    expect(rd('SVCB 1 . ipv4hint=192.0.2.1,192.0.2.2')).toBe('000100' + '00040008c0000201c0000202');
    expect(rd('SVCB 1 . ipv6hint=::1')).toBe('000100' + '00060010' + '00000000000000000000000000000001');
    expect(rd('SVCB 1 . ech=AAEC')).toBe('000100' + '00050003000102');
    expect(rd('SVCB 1 . mandatory=port,alpn alpn=h2 port=1')).toBe('000100' + '000000040001000300010003026832' + '000300020001');
    expect(rd('SVCB 1 . key65000="a b"')).toBe('000100' + 'fde80003612062');
    expect(rd('SVCB 1 . key7')).toBe('000100' + '00070000');
    expect(rd('SVCB 1 . alpn="f\\\\\\\\oo\\\\,bar,h2"')).toBe('000100' + '0001000c08665c6f6f2c626172026832');
  });
  it('TXT splits strings longer than 255 octets into 255-octet pieces, as Knot does', () => {
    const h = rd(`TXT "${'a'.repeat(600)}"`);
    expect(h).toBe('ff' + '61'.repeat(255) + 'ff' + '61'.repeat(255) + '5a' + '61'.repeat(90));
    expect(rd(`TXT ${'b'.repeat(255)}`)).toBe('ff' + '62'.repeat(255));
  });
  it('TXT escapes', () => {
    expect(rd('TXT "a\\"b" "\\\\" "\\065\\000" ""')).toBe('03612262' + '015c' + '024100' + '00');
  });
});

describe('generic RFC 3597 syntax', () => {
  it('for unknown types, also empty', () => {
    expect(rd('TYPE65280 \\# 3 01 0203')).toBe('010203');
    expect(rd('TYPE260 \\# 0')).toBe('');
  });
  it('for known types and TYPEnnn spellings of them', () => {
    expect(rd('A \\# 4 c0000201')).toBe('c0000201');
    expect(rd('TYPE1 192.0.2.1')).toBe('c0000201');
    expect(rd('type15 10 mail.example.')).toBe(pk('mx', { preference: 10, exchange: 'mail.example' }));
  });
  it('rejects length mismatch and bad hex', () => {
    expect(err('TYPE999 \\# 2 010203')).toMatch(/length 2 does not match 3/);
    expect(err('TYPE999 \\# 1 0g')).toMatch(/bad hex/);
    expect(err('TYPE999 01')).toMatch(/RFC 3597/);
  });
});

describe('type mnemonics', () => {
  it('are case-insensitive and include TYPEnnn', () => {
    expect(typeFromText('aaaa')).toBe(28);
    expect(typeFromText('Https')).toBe(65);
    expect(typeFromText('TYPE65535')).toBe(65535);
    expect(typeFromText('TYPE65536')).toBe(-1);
    expect(typeFromText('SPF')).toBe(99);
    expect(typeFromText('AXFR')).toBe(-1);
    expect(typeFromText('NOPE')).toBe(-1);
    expect(typeToText(65)).toBe('HTTPS');
    expect(typeToText(65280)).toBe('TYPE65280');
  });
});

describe('rdata errors', () => {
  it.each([
    ['A 1.2.3', /bad IPv4 address "1.2.3"/],
    ['A 1.2.3.4.5', /bad IPv4/],
    ['A 01.2.3.4', /bad IPv4/],
    ['A ::1', /bad IPv4/],
    ['AAAA 1.2.3.4', /bad IPv6/],
    ['AAAA 1:2:3:4:5:6:7:8:9', /bad IPv6/],
    ['AAAA 12345::', /bad IPv6/],
    ['AAAA :1::', /bad IPv6/],
    ['AAAA 1:', /bad IPv6/],
    ['AAAA ::g', /bad IPv6/],
    ['MX 65536 m', /bad preference "65536" \(expected 0..65535\)/],
    ['MX 10', /missing exchange/],
    ['MX -1 m', /bad preference/],
    ['SOA ns hm 1 2 3 4', /missing minimum/],
    ['SOA ns hm 4294967296 2 3 4 5', /bad serial/],
    ['SRV 1 2 70000 t', /bad port/],
    ['TXT', /missing text/],
    ['HINFO "a"', /missing OS/],
    ['CAA 0 "quoted" "v"', /bad tag/],
    ['CAA 256 issue "v"', /bad flags/],
    ['DS 1 2 3', /missing digest/],
    ['DS 1 2 3 xyz1', /bad hex/],
    ['DNSKEY 256 3 13 ab$c', /bad base64/],
    ['DNSKEY 256 3 13 abc', /bad base64/],
    ['RRSIG A 13 2 300 20300230000000 20240101000000 1 @ AAAA', /bad signature expiration/],
    ['RRSIG FOO 13 2 300 1 2 1 @ AAAA', /unknown type covered "FOO"/],
    ['NSEC3 1 0 0 zz 00 A', /bad salt "zz"/],
    ['NSEC3 1 0 0 - w0 A', /bad base32hex/],
    ['NSEC @ A BOGUS', /unknown type "BOGUS" in type bitmap/],
    ['TLSA 3 1 1 abc', /bad hex/],
    ['HTTPS 1 . alpn', /missing value/],
    ['HTTPS 1 . alpn=h2 alpn=h3', /duplicate SvcParamKey/],
    ['HTTPS 1 . no-default-alpn=x', /takes no value/],
    ['HTTPS 1 . ipv4hint=1.2.3', /bad IPv4 address "1.2.3"/],
    ['HTTPS 1 . ipv6hint=zz', /bad IPv6/],
    ['HTTPS 1 . mandatory=mandatory', /may not list itself/],
    ['HTTPS 1 . key65535=x', /unknown SvcParamKey/],
    ['HTTPS 1 . ech=!!', /base64/],
    ['NS a..b', /empty label/],
    ['A 192.0.2.1 192.0.2.2', /unexpected extra data "192.0.2.2"/],
    [`TXT ${Array.from({ length: 300 }, () => `"${'x'.repeat(250)}"`).join(' ')}`, /rdata longer than 65535 octets/],
  ])('%s', (line, re) => {
    expect(err(line)).toMatch(re);
  });
});
