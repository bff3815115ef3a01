// The DNSSEC differential cases: every answer outcome of a signed zone, over UDP and TCP, with and without DO.
import type { DiffCase } from '../knot-differential/cases.js';
import { buildQuery } from '../knot-differential/compare.js';
import type { SignedZone } from './sign.js';

export interface Probe {
  qname: string;
  qtype: string;
  /** What the answer is; also the vitest group. */
  outcome: string;
  /** delv can validate it on its own (referrals need the child's servers, so they are not checked with delv). */
  delv: boolean;
}

/** Names relative to the zone origin, one per outcome RFC 4035 section 3.1 and RFC 5155 section 7.2 name. */
export function probes(z: SignedZone): Probe[] {
  const o = z.origin;
  const p = (rel: string, qtype: string, outcome: string, delv = true): Probe => ({ qname: rel === '@' ? o : `${rel}.${o}`, qtype, outcome, delv });
  const list = [
    p('@', 'SOA', 'positive'),
    p('@', 'DNSKEY', 'positive'),
    p('@', 'NS', 'positive'),
    p('www', 'A', 'positive'),
    p('WwW', 'TXT', 'positive mixed case'),
    p('UPPER', 'A', 'positive mixed case'),
    p('a\\.dot', 'A', 'positive escaped label'),
    p('\\200bin', 'A', 'positive escaped label'),
    p('www', 'AAAA', 'nodata'),
    p('www', 'RRSIG', 'rrsig by type', false),
    p('Zz', 'MX', 'nodata'),
    p('nope', 'A', 'nxdomain'),
    p('nope.b.c', 'A', 'nxdomain below ent'),
    p('a\\.dpt', 'A', 'nxdomain canonical order'),
    p('ZZZ', 'A', 'nxdomain canonical order'),
    p('\\001', 'A', 'nxdomain canonical order'),
    p('zz0', 'A', 'nxdomain canonical order'),
    p('b.c', 'A', 'empty non-terminal'),
    p('c', 'TXT', 'empty non-terminal'),
    p('wild', 'A', 'empty non-terminal'),
    p('x.wild', 'A', 'wildcard answer'),
    p('X.y.WILD', 'TXT', 'wildcard answer'),
    p('x.wild', 'AAAA', 'wildcard nodata'),
    p('x.wc', 'A', 'wildcard cname'),
    p('cname', 'A', 'cname'),
    p('dangling', 'A', 'cname to nxdomain'),
    p('x.dn', 'A', 'dname to wildcard'),
    p('dn', 'DNAME', 'positive'),
    p('www', 'ANY', 'any'),
    p('x.wild', 'ANY', 'any wildcard'),
    p('nope.wc', 'AAAA', 'wildcard cname to nodata'),
    p('secure', 'DS', 'ds from parent'),
    p('insecure', 'DS', 'no ds from parent'),
    p('out', 'DS', 'no ds from parent'),
    p('host.secure', 'A', 'referral signed', false),
    p('secure', 'NS', 'referral signed', false),
    p('host.insecure', 'A', 'referral unsigned', false),
    p('insecure', 'A', 'referral unsigned', false),
    p('out', 'NS', 'referral unsigned', false),
  ];
  if (z.signer !== 'bind-nsec') list.push(p('@', 'NSEC3PARAM', 'positive'));
  for (const owner of z.nsec3Owners.slice(0, 2)) {
    const label = owner.split('.')[0];
    list.push(p(label, 'NSEC3', 'nsec3 owner name'), p(label.toUpperCase(), 'A', 'nsec3 owner name'));
  }
  return list;
}

/** Wire form of a presentation name with \\. and \\DDD escapes (the shared wireName splits on every dot). */
export function encodeName(name: string): Buffer {
  const labels: number[][] = [[]];
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') {
      if (/^\d{3}$/.test(name.slice(i + 1, i + 4))) {
        labels[labels.length - 1].push(Number(name.slice(i + 1, i + 4)));
        i += 3;
      } else labels[labels.length - 1].push(name.charCodeAt(++i));
    } else if (c === '.') labels.push([]);
    else labels[labels.length - 1].push(name.charCodeAt(i));
  }
  const parts = labels.filter((l) => l.length > 0).map((l) => Buffer.from([l.length, ...l]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** The case with its query bytes built here, so that escaped labels reach the servers as intended. */
function withRawName(c: DiffCase): DiffCase {
  const q = buildQuery({ ...c, qname: 'x.' });
  return { ...c, raw: Buffer.concat([q.subarray(0, 12), encodeName(c.qname), q.subarray(15)]) };
}

export function diffCases(zones: SignedZone[]): DiffCase[] {
  const out: DiffCase[] = [];
  for (const z of zones) {
    for (const pr of probes(z)) {
      for (const transport of ['udp', 'tcp'] as const) {
        const base = { group: `${z.signer} ${pr.outcome}`, qname: pr.qname, qtype: pr.qtype, transport };
        out.push({ ...base, name: `${z.signer}/${pr.qname} ${pr.qtype}/${transport} do`, edns: { udpSize: 1232, do: true } });
        out.push({ ...base, name: `${z.signer}/${pr.qname} ${pr.qtype}/${transport} no-do`, edns: { udpSize: 1232, do: false } });
      }
      // Proofs that do not fit in 512 octets: TC, never a proof dropped silently.
      out.push({ group: `${z.signer} truncation`, name: `${z.signer}/${pr.qname} ${pr.qtype}/udp do 512`, qname: pr.qname, qtype: pr.qtype, transport: 'udp', edns: { udpSize: 512, do: true } });
    }
  }
  return out.map(withRawName);
}
