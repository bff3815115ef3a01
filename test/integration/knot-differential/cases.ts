// The differential case list: systematic name x type x transport x EDNS variants, plus hand-written edge cases.
import { createHash } from 'node:crypto';

export interface EdnsSpec {
  udpSize: number;
  do?: boolean;
  nsid?: boolean;
  /** EDNS version; anything but 0 must draw BADVERS (RFC 6891 6.1.3). */
  version?: number;
  unknownOptions?: { code: number; data: Buffer }[];
}

export interface DiffCase {
  /** Unique, readable: `group/qname TYPE/variant`. Known differences match on it. */
  name: string;
  /** The rule the case exercises; one vitest `describe` per group. */
  group: string;
  qname: string;
  qtype: string | number;
  qclass?: string | number;
  flags?: { rd?: boolean; cd?: boolean; ad?: boolean };
  edns: 'none' | EdnsSpec;
  transport: 'udp' | 'tcp';
  /** Hand-built message bytes (before TCP framing) for malformed or odd queries; qname/qtype are then only labels. */
  raw?: Buffer;
  opcode?: number;
  /** Knot stays silent (QR=1, or a message it cannot parse up to the question); the harness then waits only the
   *  short timeout, and anycastd must be silent too unless known-differences.ts says otherwise. */
  expectSilence?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Type and class numbers

const TYPES: Record<string, number> = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, NULL: 10, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AAAA: 28,
  SRV: 33, NAPTR: 35, DNAME: 39, OPT: 41, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50,
  NSEC3PARAM: 51, TLSA: 52, CDS: 59, CDNSKEY: 60, SVCB: 64, HTTPS: 65, SPF: 99, TKEY: 249, TSIG: 250, IXFR: 251,
  AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255, CAA: 257,
};

const CLASSES: Record<string, number> = { IN: 1, CS: 2, CH: 3, HS: 4, NONE: 254, ANY: 255 };

export function typeNumber(t: string | number): number {
  if (typeof t === 'number') return t;
  const u = t.toUpperCase();
  if (u in TYPES) return TYPES[u];
  const m = /^TYPE(\d+)$/.exec(u);
  if (m) return Number(m[1]);
  throw new Error(`unknown type ${t}`);
}

export function classNumber(c: string | number): number {
  if (typeof c === 'number') return c;
  const u = c.toUpperCase();
  if (u in CLASSES) return CLASSES[u];
  const m = /^CLASS(\d+)$/.exec(u);
  if (m) return Number(m[1]);
  throw new Error(`unknown class ${c}`);
}

/** A stable 16-bit ID per case, so both servers receive byte-identical queries. */
export function caseId(name: string): number {
  return createHash('sha1').update(name).digest().readUInt16BE(0);
}

// ---------------------------------------------------------------------------------------------
// Systematic part: every name with the types relevant to it.

/** [group, qname, types] */
const MATRIX: [string, string, string[]][] = [
  // apex and plain positive answers
  ['apex', 'diff.test.', ['SOA', 'NS', 'MX', 'TXT', 'A', 'AAAA', 'CAA', 'DNSKEY', 'SRV']],
  ['positive', 'www.diff.test.', ['A', 'AAAA', 'TXT', 'MX']],
  ['positive', 'ttl.diff.test.', ['A', 'TXT']],
  ['positive', 'mail.diff.test.', ['A', 'AAAA', 'TXT']],
  ['positive', 'ns1.diff.test.', ['A', 'AAAA']],
  ['positive', 'sip.diff.test.', ['A', 'AAAA']],
  ['srv', '_sip._udp.diff.test.', ['SRV', 'A']],
  ['srv', '_xmpp._tcp.diff.test.', ['SRV']],
  ['caa', 'caa.diff.test.', ['CAA', 'TXT']],
  ['txt', 'multi.diff.test.', ['TXT']],
  ['mx', 'mx.diff.test.', ['MX', 'A']],
  ['mx', 'nullmx.diff.test.', ['MX']],
  ['types', 'hinfo.diff.test.', ['HINFO']],
  ['unknown-type', 'unknown.diff.test.', ['TYPE65400', 'TYPE65401', 'TYPE65402', 'A']],
  ['dnssec-data', 'nsec.diff.test.', ['NSEC', 'A']],
  ['dnssec-data', 'signed.diff.test.', ['A', 'RRSIG', 'TXT']],
  ['dnssec-data', 'keys.diff.test.', ['DNSKEY']],
  // negative answers (RFC 2308)
  ['nxdomain', 'nope.diff.test.', ['A', 'SOA']],
  ['nxdomain', 'deeper.nope.diff.test.', ['A']],
  ['nxdomain', 'nope.other.test.', ['A', 'TXT']],
  ['nxdomain', 'nope.child.diff.test.', ['A']],
  ['empty-non-terminal', 'a.b.c.diff.test.', ['A', 'TXT']],
  ['empty-non-terminal', 'b.c.diff.test.', ['A', 'TXT']],
  ['empty-non-terminal', 'c.diff.test.', ['A']],
  ['empty-non-terminal', 'x.b.c.diff.test.', ['A']],
  ['empty-non-terminal', '_udp.diff.test.', ['SRV']],
  ['empty-non-terminal', 'deep.diff.test.', ['A']],
  ['empty-non-terminal', 'y.deep.diff.test.', ['A', 'NS']],
  ['empty-non-terminal', 'ent.diff.test.', ['A']],
  // other served zones
  ['other-zone', 'other.test.', ['SOA', 'NS', 'A']],
  ['other-zone', 'www.other.test.', ['A', 'AAAA', 'MX']],
  ['other-zone', 'alias.other.test.', ['A', 'CNAME']],
  ['other-zone', 'back.other.test.', ['A']],
  ['other-zone', 'ns2.other.test.', ['A', 'AAAA']],
  ['child-zone', 'child.diff.test.', ['SOA', 'NS', 'A', 'DS', 'TXT']],
  ['child-zone', 'www.child.diff.test.', ['A', 'TXT']],
  ['child-zone', 'back.child.diff.test.', ['A']],
  ['child-zone', 'ns1.child.diff.test.', ['A', 'AAAA']],
  // referrals
  ['referral', 'sub.diff.test.', ['NS', 'A', 'DS', 'SOA', 'TXT']],
  ['referral', 'www.sub.diff.test.', ['A', 'AAAA', 'DS', 'NS']],
  ['referral', 'ns1.sub.diff.test.', ['A', 'AAAA']],
  ['referral', 'occluded.sub.diff.test.', ['A']],
  ['referral', 'noglue.diff.test.', ['NS', 'A', 'DS']],
  ['referral', 'host.noglue.diff.test.', ['A']],
  ['referral', 'sib.diff.test.', ['A', 'NS']],
  ['referral', 'x.y.deep.diff.test.', ['A', 'NS', 'DS']],
  ['referral', 'a.x.y.deep.diff.test.', ['A']],
  ['referral', 'ns.x.y.deep.diff.test.', ['A']],
  ['referral', 'fat.diff.test.', ['NS', 'A']],
  ['referral', 'www.fat.diff.test.', ['A']],
  // CNAME
  ['cname', 'c1.diff.test.', ['A', 'AAAA', 'TXT', 'CNAME', 'MX']],
  ['cname', 'c2.diff.test.', ['A']],
  ['cname', 'c3.diff.test.', ['A', 'CNAME']],
  ['cname', 'cother.diff.test.', ['A']],
  ['cname', 'cout.diff.test.', ['A', 'CNAME']],
  ['cname', 'cnx.diff.test.', ['A', 'CNAME']],
  ['cname', 'cnodata.diff.test.', ['TXT']],
  ['cname', 'cwild.diff.test.', ['A', 'TXT']],
  ['cname', 'cdeleg.diff.test.', ['A']],
  ['cname', 'cchild.diff.test.', ['A']],
  ['cname', 'cdname.diff.test.', ['A']],
  ['cname', 'loop1.diff.test.', ['A', 'CNAME']],
  ['cname', 'self.diff.test.', ['A']],
  ['cname', 'h1.diff.test.', ['A', 'AAAA']],
  ['cname', 'h10.diff.test.', ['A']],
  // Exactly the longest chain followed (5 CNAMEs): its target is still looked up, answer or SOA.
  ['cname', 'h11.diff.test.', ['A', 'MX', 'CNAME']],
  ['cname', 'h12.diff.test.', ['MX']],
  ['cname', 'h15.diff.test.', ['A']],
  // wildcards (RFC 4592)
  ['wildcard', 'foo.wild.diff.test.', ['A', 'TXT', 'MX', 'AAAA']],
  ['wildcard', 'a.b.wild.diff.test.', ['A']],
  ['wildcard', '*.wild.diff.test.', ['A', 'TXT']],
  ['wildcard', 'wild.diff.test.', ['A']],
  ['wildcard', 'explicit.wild.diff.test.', ['A', 'TXT']],
  ['wildcard', 'sub.explicit.wild.diff.test.', ['TXT', 'A']],
  ['wildcard', 'x.sub.explicit.wild.diff.test.', ['A']],
  ['wildcard', 'x.explicit.wild.diff.test.', ['A']],
  ['wildcard', 'foo.wc.diff.test.', ['A', 'TXT', 'CNAME']],
  ['wildcard', 'foo.wcx.diff.test.', ['A']],
  ['wildcard', 'foo.e1.ent.diff.test.', ['A', 'TXT']],
  ['wildcard', 'e1.ent.diff.test.', ['A']],
  ['rfc4592', 'rfc4592.test.', ['SOA', 'NS', 'TXT']],
  ['rfc4592', 'host3.rfc4592.test.', ['MX', 'A', 'TXT']],
  ['rfc4592', 'foo.bar.rfc4592.test.', ['TXT', 'MX']],
  ['rfc4592', 'host1.rfc4592.test.', ['MX', 'A']],
  ['rfc4592', 'sub.*.rfc4592.test.', ['MX', 'TXT']],
  ['rfc4592', '_telnet._tcp.host1.rfc4592.test.', ['SRV']],
  ['rfc4592', '_ssh._tcp.host1.rfc4592.test.', ['SRV']],
  ['rfc4592', '_ssh._tcp.host2.rfc4592.test.', ['SRV']],
  ['rfc4592', '_foo._tcp.host2.rfc4592.test.', ['SRV']],
  ['rfc4592', 'host2.rfc4592.test.', ['TXT']],
  ['rfc4592', 'foo.host3.rfc4592.test.', ['TXT']],
  ['rfc4592', 'host.subdel.rfc4592.test.', ['A']],
  ['rfc4592', 'ghost.*.rfc4592.test.', ['MX']],
  ['rfc4592', '*.rfc4592.test.', ['TXT', 'A']],
  // DNAME (RFC 6672)
  ['dname', 'dname.diff.test.', ['DNAME', 'TXT', 'A']],
  ['dname', 'www.dname.diff.test.', ['A', 'AAAA', 'DNAME']],
  ['dname', 'a.b.dname.diff.test.', ['A']],
  ['dname', 'nope.dname.diff.test.', ['A']],
  ['dname', 'x.longdname.diff.test.', ['A']],
  ['dname', 'www.ldname.diff.test.', ['CNAME', 'A', 'MX', 'DNAME']],
  ['dname', 'nope.ldname.diff.test.', ['CNAME', 'A']],
  // large RRsets and truncation
  ['large', 'big.diff.test.', ['A']],
  ['large', 'bigtxt.diff.test.', ['TXT']],
  ['large', 'manymx.diff.test.', ['MX']],
  // refused: not ours
  ['refused', 'www.example.com.', ['A']],
  ['refused', '.', ['SOA', 'NS']],
  ['refused', 'test.', ['SOA']],
  ['refused', 'xdiff.test.', ['A']],
];

interface Variant {
  tag: string;
  transport: 'udp' | 'tcp';
  edns: 'none' | EdnsSpec;
  mixedCase?: boolean;
  rd?: boolean;
}

const VARIANTS: Variant[] = [
  { tag: 'udp-noedns', transport: 'udp', edns: 'none' },
  { tag: 'udp-edns1232', transport: 'udp', edns: { udpSize: 1232 } },
  { tag: 'udp-edns512-rd', transport: 'udp', edns: { udpSize: 512 }, rd: true },
  { tag: 'udp-edns4096-do', transport: 'udp', edns: { udpSize: 4096, do: true } },
  { tag: 'tcp-noedns', transport: 'tcp', edns: 'none' },
  { tag: 'tcp-edns1232-do', transport: 'tcp', edns: { udpSize: 1232, do: true } },
  { tag: 'udp-edns1232-mixedcase', transport: 'udp', edns: { udpSize: 1232 }, mixedCase: true },
];

/** `diff.test.` -> `DiFf.TeSt.`: letters alternate case so a lowercasing server shows in the question echo. */
export function mixCase(name: string): string {
  let upper = true;
  return name.replace(/[a-z]/gi, (ch) => {
    upper = !upper;
    return upper ? ch.toLowerCase() : ch.toUpperCase();
  });
}

function systematic(): DiffCase[] {
  const out: DiffCase[] = [];
  for (const [group, qname, types] of MATRIX) {
    for (const qtype of types) {
      for (const v of VARIANTS) {
        out.push({
          name: `${group}/${qname} ${qtype}/${v.tag}`,
          group,
          qname: v.mixedCase ? mixCase(qname) : qname,
          qtype,
          flags: { rd: v.rd ?? false },
          edns: v.edns,
          transport: v.transport,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hand-written part

const E1232: EdnsSpec = { udpSize: 1232 };

interface RawSpec {
  id: number;
  flags?: number;
  qd?: number;
  an?: number;
  ns?: number;
  ar?: number;
  body?: Buffer;
}

/** A header with explicit counts, followed by arbitrary body bytes. */
export function rawMessage(s: RawSpec): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(s.id, 0);
  h.writeUInt16BE(s.flags ?? 0, 2);
  h.writeUInt16BE(s.qd ?? 0, 4);
  h.writeUInt16BE(s.an ?? 0, 6);
  h.writeUInt16BE(s.ns ?? 0, 8);
  h.writeUInt16BE(s.ar ?? 0, 10);
  return Buffer.concat([h, s.body ?? Buffer.alloc(0)]);
}

/** Wire name, labels as given (case kept). */
export function wireName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

export function wireQuestion(name: string, qtype: string | number, qclass: string | number = 'IN'): Buffer {
  const t = Buffer.alloc(4);
  t.writeUInt16BE(typeNumber(qtype), 0);
  t.writeUInt16BE(classNumber(qclass), 2);
  return Buffer.concat([wireName(name), t]);
}

/** OPT RR bytes: root owner, TYPE 41, CLASS = udp size, TTL = ext-rcode/version/flags, then rdata. */
export function wireOpt(udpSize: number, opts: { version?: number; do?: boolean; owner?: Buffer; rdata?: Buffer } = {}): Buffer {
  const rdata = opts.rdata ?? Buffer.alloc(0);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(41, 0);
  fixed.writeUInt16BE(udpSize, 2);
  fixed[4] = 0;
  fixed[5] = opts.version ?? 0;
  fixed.writeUInt16BE(opts.do ? 0x8000 : 0, 6);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([opts.owner ?? Buffer.from([0]), fixed, rdata]);
}

function both(base: Omit<DiffCase, 'transport' | 'name'> & { name: string }): DiffCase[] {
  return (['udp', 'tcp'] as const).map((transport) => ({ ...base, name: `${base.name}/${transport}`, transport }));
}

function raw(group: string, name: string, build: (id: number) => Buffer, opts: { expectSilence?: boolean; transports?: ('udp' | 'tcp')[] } = {}): DiffCase[] {
  return (opts.transports ?? ['udp', 'tcp']).map((transport) => {
    const full = `${group}/${name}/${transport}`;
    return {
      name: full,
      group,
      qname: '(raw)',
      qtype: 0,
      edns: 'none' as const,
      transport,
      raw: build(caseId(full)),
      expectSilence: opts.expectSilence,
    };
  });
}

const QR = 0x8000;
const RD = 0x0100;

function special(): DiffCase[] {
  const out: DiffCase[] = [];
  const add = (...cs: DiffCase[]): void => void out.push(...cs);

  // ANY (RFC 8482): compare whatever minimal answer Knot gives, at names with many types.
  for (const q of ['diff.test.', 'www.diff.test.', 'foo.wild.diff.test.', 'c1.diff.test.', 'sub.diff.test.', 'nope.diff.test.', 'other.test.', 'b.c.diff.test.', 'big.diff.test.']) {
    add(...both({ name: `any/${q} ANY`, group: 'any', qname: q, qtype: 'ANY', edns: E1232 }));
    add(...both({ name: `any/${q} ANY noedns`, group: 'any', qname: q, qtype: 'ANY', edns: 'none' }));
  }

  // CHAOS identity (RFC 4892) and friends.
  for (const q of ['id.server.', 'hostname.bind.', 'version.bind.', 'version.server.', 'authors.bind.', 'foo.bar.']) {
    add(...both({ name: `chaos/${q} TXT`, group: 'chaos', qname: q, qtype: 'TXT', qclass: 'CH', edns: E1232 }));
  }
  add(...both({ name: 'chaos/ID.SERVER. TXT mixedcase', group: 'chaos', qname: 'ID.Server.', qtype: 'TXT', qclass: 'CH', edns: 'none' }));
  add(...both({ name: 'chaos/id.server. A', group: 'chaos', qname: 'id.server.', qtype: 'A', qclass: 'CH', edns: E1232 }));
  add(...both({ name: 'chaos/id.server. ANY', group: 'chaos', qname: 'id.server.', qtype: 'ANY', qclass: 'CH', edns: E1232 }));
  add(...both({ name: 'chaos/id.server. TXT class IN', group: 'chaos', qname: 'id.server.', qtype: 'TXT', qclass: 'IN', edns: E1232 }));
  add(...both({ name: 'chaos/diff.test. SOA class CH', group: 'chaos', qname: 'diff.test.', qtype: 'SOA', qclass: 'CH', edns: E1232 }));
  add(...both({ name: 'chaos/hostname.bind. TXT rd', group: 'chaos', qname: 'hostname.bind.', qtype: 'TXT', qclass: 'CH', flags: { rd: true }, edns: 'none' }));

  // NSID (RFC 5001).
  for (const [q, t] of [['www.diff.test.', 'A'], ['nope.diff.test.', 'A'], ['www.example.com.', 'A'], ['id.server.', 'TXT']] as const) {
    const qclass = q === 'id.server.' ? 'CH' : 'IN';
    add(...both({ name: `nsid/${q} ${t}`, group: 'nsid', qname: q, qtype: t, qclass, edns: { udpSize: 1232, nsid: true } }));
  }
  add(...both({ name: 'nsid/big.diff.test. A edns512', group: 'nsid', qname: 'big.diff.test.', qtype: 'A', edns: { udpSize: 512, nsid: true } }));

  // EDNS oddities (RFC 6891).
  add(...both({ name: 'edns/version1', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, version: 1 } }));
  add(...both({ name: 'edns/version1-nsid', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, version: 1, nsid: true } }));
  add(...both({ name: 'edns/version255-do', group: 'edns', qname: 'diff.test.', qtype: 'SOA', edns: { udpSize: 1232, version: 255, do: true } }));
  add(...both({ name: 'edns/version1-refused-name', group: 'edns', qname: 'www.example.com.', qtype: 'A', edns: { udpSize: 1232, version: 1 } }));
  const unk = [{ code: 65001, data: Buffer.from('hello') }, { code: 12, data: Buffer.alloc(8) }];
  add(...both({ name: 'edns/unknown-options', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, unknownOptions: unk } }));
  add(...both({ name: 'edns/cookie-option', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, unknownOptions: [{ code: 10, data: Buffer.from('0102030405060708', 'hex') }] } }));
  add(...both({ name: 'edns/ecs-option', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, unknownOptions: [{ code: 8, data: Buffer.from('000118007f0000', 'hex') }] } }));
  add(...both({ name: 'edns/empty-unknown-option', group: 'edns', qname: 'www.diff.test.', qtype: 'A', edns: { udpSize: 1232, unknownOptions: [{ code: 65500, data: Buffer.alloc(0) }] } }));
  for (const size of [0, 100, 511, 513, 1231, 1233, 65535]) {
    add({ name: `edns/udpsize-${size} big A`, group: 'edns', qname: 'big.diff.test.', qtype: 'A', edns: { udpSize: size }, transport: 'udp' });
    add({ name: `edns/udpsize-${size} manymx MX`, group: 'edns', qname: 'manymx.diff.test.', qtype: 'MX', edns: { udpSize: size }, transport: 'udp' });
  }
  add(...raw('edns', 'two-opt-records', (id) => rawMessage({ id, qd: 1, ar: 2, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireOpt(1232), wireOpt(1232)]) })));
  add(...raw('edns', 'opt-nonroot-owner', (id) => rawMessage({ id, qd: 1, ar: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireOpt(1232, { owner: wireName('diff.test.') })]) })));
  add(...raw('edns', 'opt-truncated-option', (id) => rawMessage({ id, qd: 1, ar: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireOpt(1232, { rdata: Buffer.from([0, 3, 0, 9, 1]) })]) })));
  add(...raw('edns', 'opt-in-answer-section', (id) => rawMessage({ id, qd: 1, an: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireOpt(1232)]) })));
  add(...raw('edns', 'opt-nsid-with-data', (id) => rawMessage({ id, qd: 1, ar: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireOpt(1232, { rdata: Buffer.from([0, 3, 0, 2, 0xab, 0xcd]) })]) })));

  // Opcodes (RFC 8906: answer, NOTIMP for what is not implemented).
  for (const [op, label] of [[1, 'IQUERY'], [2, 'STATUS'], [3, 'OPCODE3'], [4, 'NOTIFY'], [5, 'UPDATE'], [6, 'DSO'], [15, 'OPCODE15']] as const) {
    add(...both({ name: `opcode/${label}`, group: 'opcode', qname: 'diff.test.', qtype: 'SOA', opcode: op, edns: 'none' }));
    add({ name: `opcode/${label} rd edns`, group: 'opcode', qname: 'diff.test.', qtype: 'SOA', opcode: op, flags: { rd: true, cd: true }, edns: E1232, transport: 'udp' });
  }
  add({ name: 'opcode/NOTIFY other zone', group: 'opcode', qname: 'other.test.', qtype: 'SOA', opcode: 4, edns: 'none', transport: 'udp' });
  add({ name: 'opcode/NOTIFY unknown zone', group: 'opcode', qname: 'example.com.', qtype: 'SOA', opcode: 4, edns: 'none', transport: 'udp' });
  add({ name: 'opcode/UPDATE unknown zone', group: 'opcode', qname: 'example.com.', qtype: 'SOA', opcode: 5, edns: 'none', transport: 'udp' });

  // Header oddities.
  add(...raw('header', 'qr-set', (id) => rawMessage({ id, flags: QR, qd: 1, body: wireQuestion('www.diff.test.', 'A') }), { expectSilence: true }));
  add(...raw('header', 'qr-set-rd-edns', (id) => rawMessage({ id, flags: QR | RD, qd: 1, ar: 1, body: Buffer.concat([wireQuestion('diff.test.', 'SOA'), wireOpt(1232)]) }), { expectSilence: true }));
  add(...raw('header', 'qdcount0', (id) => rawMessage({ id, qd: 0 })));
  add(...raw('header', 'qdcount0-rd', (id) => rawMessage({ id, flags: RD, qd: 0 })));
  add(...raw('header', 'qdcount0-edns', (id) => rawMessage({ id, qd: 0, ar: 1, body: wireOpt(1232) })));
  add(...raw('header', 'qdcount2', (id) => rawMessage({ id, qd: 2, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireQuestion('mail.diff.test.', 'A')]) }), { expectSilence: true }));
  add(...raw('header', 'qdcount2-second-missing', (id) => rawMessage({ id, qd: 2, body: wireQuestion('www.diff.test.', 'A') }), { expectSilence: true }));
  add(...raw('header', 'header-only-qdcount1', (id) => rawMessage({ id, qd: 1 }), { expectSilence: true }));
  add(...raw('header', 'short-5-bytes', (id) => rawMessage({ id, qd: 1 }).subarray(0, 5), { expectSilence: true }));
  add(...raw('header', 'short-11-bytes', (id) => rawMessage({ id, qd: 1 }).subarray(0, 11), { expectSilence: true }));
  add(...raw('header', 'question-cut-in-name', (id) => rawMessage({ id, qd: 1, body: wireQuestion('www.diff.test.', 'A').subarray(0, 7) }), { expectSilence: true }));
  add(...raw('header', 'question-cut-in-type', (id) => rawMessage({ id, qd: 1, body: wireQuestion('www.diff.test.', 'A').subarray(0, 17) }), { expectSilence: true }));
  add(...raw('header', 'question-cut-in-class', (id) => rawMessage({ id, qd: 1, body: wireQuestion('www.diff.test.', 'A').subarray(0, 18) }), { expectSilence: true }));
  add(...raw('header', 'trailing-garbage', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), Buffer.from('garbage')]) })));
  add(...raw('header', 'ancount1-with-record', (id) => rawMessage({ id, qd: 1, an: 1, body: Buffer.concat([wireQuestion('www.diff.test.', 'A'), wireName('www.diff.test.'), Buffer.from('000100010000003c0004c0000250', 'hex')]) })));
  add(...raw('header', 'nscount1-without-record', (id) => rawMessage({ id, qd: 1, ns: 1, body: wireQuestion('www.diff.test.', 'A') })));
  add(...raw('header', 'tc-set-in-query', (id) => rawMessage({ id, flags: 0x0200, qd: 1, body: wireQuestion('www.diff.test.', 'A') })));
  add(...raw('header', 'aa-ra-set-in-query', (id) => rawMessage({ id, flags: 0x0400 | 0x0080, qd: 1, body: wireQuestion('www.diff.test.', 'A') })));
  add(...raw('header', 'z-bit-set', (id) => rawMessage({ id, flags: 0x0040, qd: 1, body: wireQuestion('www.diff.test.', 'A') })));
  add(...raw('header', 'rcode-set-in-query', (id) => rawMessage({ id, flags: 0x0003, qd: 1, body: wireQuestion('www.diff.test.', 'A') })));
  add(...raw('header', 'compression-pointer-in-question', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([Buffer.from([3]), Buffer.from('www'), Buffer.from([0xc0, 12 + 4 + 2 + 4]), Buffer.from('00010001', 'hex'), Buffer.from('0464696666047465737400', 'hex')]) }), { expectSilence: true }));
  add(...raw('header', 'pointer-loop-in-question', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([Buffer.from([0xc0, 12]), Buffer.from('00010001', 'hex')]) }), { expectSilence: true }));
  add(...raw('header', 'label-type-0x40', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([Buffer.from([0x41, 0x00]), Buffer.from('00010001', 'hex')]) }), { expectSilence: true }));
  add(...raw('header', 'name-over-255', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0]), Buffer.from('00010001', 'hex')]) }), { expectSilence: true }));
  add(...raw('header', 'root-question-edns', (id) => rawMessage({ id, qd: 1, ar: 1, body: Buffer.concat([Buffer.from([0]), Buffer.from('00020001', 'hex'), wireOpt(1232)]) })));
  add(...raw('header', 'binary-label', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([Buffer.from([2, 0x00, 0xff]), wireName('diff.test.'), Buffer.from('00010001', 'hex')]) })));
  add(...raw('header', 'dot-inside-label', (id) => rawMessage({ id, qd: 1, body: Buffer.concat([Buffer.from([7]), Buffer.from('www.dif'), wireName('diff.test.'), Buffer.from('00010001', 'hex')]) })));

  // Flags: RD is echoed and never honoured (RA stays clear); AD/CD in queries.
  for (const fl of [{ rd: true }, { cd: true }, { ad: true }, { rd: true, cd: true, ad: true }]) {
    const tag = Object.keys(fl).join('+');
    add({ name: `flags/www A ${tag}`, group: 'flags', qname: 'www.diff.test.', qtype: 'A', flags: fl, edns: E1232, transport: 'udp' });
    add({ name: `flags/www A ${tag} do`, group: 'flags', qname: 'www.diff.test.', qtype: 'A', flags: fl, edns: { udpSize: 1232, do: true }, transport: 'udp' });
    add({ name: `flags/nope NXDOMAIN ${tag}`, group: 'flags', qname: 'nope.diff.test.', qtype: 'A', flags: fl, edns: 'none', transport: 'udp' });
    add({ name: `flags/refused ${tag}`, group: 'flags', qname: 'www.example.com.', qtype: 'A', flags: fl, edns: 'none', transport: 'udp' });
    add({ name: `flags/referral ${tag}`, group: 'flags', qname: 'www.sub.diff.test.', qtype: 'A', flags: fl, edns: E1232, transport: 'tcp' });
  }

  // Meta and odd query types, odd classes.
  for (const t of ['AXFR', 'IXFR', 0, 'MAILA', 'MAILB', 'OPT', 'TKEY', 'TSIG', 128, 200, 'MD', 'NSEC3PARAM', 'SVCB', 'HTTPS', 65535]) {
    add({ name: `meta/diff.test. ${t}/udp`, group: 'meta', qname: 'diff.test.', qtype: t, edns: E1232, transport: 'udp' });
    add({ name: `meta/www.diff.test. ${t}/udp-noedns`, group: 'meta', qname: 'www.diff.test.', qtype: t, edns: 'none', transport: 'udp' });
  }
  for (const t of [0, 'OPT', 'TKEY', 'MAILA', 200]) {
    add({ name: `meta/diff.test. ${t}/tcp`, group: 'meta', qname: 'diff.test.', qtype: t, edns: E1232, transport: 'tcp' });
  }
  for (const cl of ['ANY', 'NONE', 'CS', 'HS', 'CLASS0', 'CLASS42']) {
    add({ name: `class/www.diff.test. A ${cl}/udp`, group: 'class', qname: 'www.diff.test.', qtype: 'A', qclass: cl, edns: E1232, transport: 'udp' });
    add({ name: `class/diff.test. SOA ${cl}/tcp`, group: 'class', qname: 'diff.test.', qtype: 'SOA', qclass: cl, edns: 'none', transport: 'tcp' });
  }

  // Negative TTL: min(SOA TTL, SOA MINIMUM) in both directions (RFC 2308 section 5).
  add(...both({ name: 'negttl/nxdomain diff.test (minimum smaller)', group: 'negttl', qname: 'zzz.diff.test.', qtype: 'A', edns: E1232 }));
  add(...both({ name: 'negttl/nodata diff.test (minimum smaller)', group: 'negttl', qname: 'www.diff.test.', qtype: 'SRV', edns: E1232 }));
  add(...both({ name: 'negttl/nxdomain other.test (SOA TTL smaller)', group: 'negttl', qname: 'zzz.other.test.', qtype: 'A', edns: E1232 }));
  add(...both({ name: 'negttl/nodata other.test (SOA TTL smaller)', group: 'negttl', qname: 'www.other.test.', qtype: 'TXT', edns: E1232 }));
  add(...both({ name: 'negttl/nodata child zone', group: 'negttl', qname: 'www.child.diff.test.', qtype: 'AAAA', edns: E1232 }));

  // Truncation and TC at the size boundaries, with DO and with NSID padding the answer.
  for (const [q, t] of [['big.diff.test.', 'A'], ['bigtxt.diff.test.', 'TXT'], ['fat.diff.test.', 'NS'], ['www.fat.diff.test.', 'A'], ['manymx.diff.test.', 'MX'], ['multi.diff.test.', 'TXT']] as const) {
    add({ name: `truncation/${q} ${t} noedns rd`, group: 'truncation', qname: q, qtype: t, flags: { rd: true }, edns: 'none', transport: 'udp' });
    add({ name: `truncation/${q} ${t} 1232 do nsid`, group: 'truncation', qname: q, qtype: t, edns: { udpSize: 1232, do: true, nsid: true }, transport: 'udp' });
    add({ name: `truncation/${q} ${t} 4096 tcp nsid`, group: 'truncation', qname: q, qtype: t, edns: { udpSize: 4096, nsid: true }, transport: 'tcp' });
  }

  // Long and odd names: 63-byte label, 255-byte name, DNAME result that would exceed 255 (YXDOMAIN).
  const l63 = 'q'.repeat(63);
  add(...both({ name: 'names/63-byte label nxdomain', group: 'names', qname: `${l63}.diff.test.`, qtype: 'A', edns: E1232 }));
  const max = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(51)}.diff.test.`;
  add(...both({ name: 'names/255-byte name nxdomain', group: 'names', qname: max, qtype: 'A', edns: E1232 }));
  add(...both({ name: 'names/dname overflow yxdomain', group: 'names', qname: `${'z'.repeat(63)}.${'y'.repeat(50)}.longdname.diff.test.`, qtype: 'A', edns: E1232 }));
  add(...both({ name: 'names/wildcard with long label', group: 'names', qname: `${l63}.wild.diff.test.`, qtype: 'TXT', edns: E1232 }));
  add(...both({ name: 'names/UPPER wildcard', group: 'names', qname: 'FOO.WILD.DIFF.TEST.', qtype: 'A', edns: 'none' }));
  add(...both({ name: 'names/UPPER cname chain', group: 'names', qname: 'C1.DIFF.TEST.', qtype: 'A', edns: 'none' }));
  add(...both({ name: 'names/UPPER referral', group: 'names', qname: 'WWW.SUB.DIFF.TEST.', qtype: 'A', edns: 'none' }));
  add(...both({ name: 'names/UPPER dname', group: 'names', qname: 'WWW.DNAME.DIFF.TEST.', qtype: 'A', edns: 'none' }));
  add(...both({ name: 'names/escaped-star label', group: 'names', qname: 'x.*.wild.diff.test.', qtype: 'A', edns: 'none' }));
  return out;
}

export const CASES: DiffCase[] = [...systematic(), ...special()];

{
  const seen = new Set<string>();
  for (const c of CASES) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
  }
}
