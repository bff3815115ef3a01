// Zone semantic checks (RFC 1034, 1035, 2181): each failure names the file and line an operator must fix.

import type { ZoneProblem } from './record.js';
import { type CompiledZone, findRRset } from '../compiled/compiled.js';
import { T_A, T_AAAA, T_CNAME, T_DNAME, T_NS, T_NSEC, T_RRSIG, T_SOA } from '../../wire/constants.js';

/** What the compiler knows about one name while grouping its records. */
export interface NodeView {
  node: number;
  types: number[]; // distinct types, ascending
  counts: number[]; // records per type after merging duplicates
  lines: number[]; // line of the first record of each type
  isApex: boolean;
  file: string;
}

type NameOf = (node: number) => string;

export function checkNode(view: NodeView, errors: ZoneProblem[], nameOf: NameOf): void {
  const { types, counts, lines, file } = view;
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    const at = { file, line: lines[i] };
    if (type === T_SOA && !view.isApex) errors.push({ ...at, message: `SOA record at ${nameOf(view.node)}, which is not the zone apex` });
    if (type === T_SOA && counts[i] > 1) errors.push({ ...at, message: `${counts[i]} different SOA records at the apex; exactly one is allowed` });
    if ((type === T_CNAME || type === T_DNAME) && counts[i] > 1) {
      errors.push({ ...at, message: `${counts[i]} ${type === T_CNAME ? 'CNAME' : 'DNAME'} records at ${nameOf(view.node)}; only one is allowed (RFC 2181 section 10.1, RFC 6672)` });
    }
    if (type === T_CNAME) {
      // RFC 1034 section 3.6.2 and RFC 2181 section 10.1; RFC 4035 allows the DNSSEC records beside a CNAME.
      const others = types.filter((t) => t !== T_CNAME && t !== T_RRSIG && t !== T_NSEC);
      if (others.length) errors.push({ ...at, message: `CNAME and other data at ${nameOf(view.node)} (CNAME must be the only record at its name)` });
    }
  }
}

/** Whole-zone checks once every name is grouped: the apex has its SOA and NS. */
export function checkZone(zone: CompiledZone, first: { file: string; line: number }, errors: ZoneProblem[]): void {
  if (zone.soaRRset < 0) errors.push({ ...first, message: `no SOA record at the zone apex ${zone.meta.origin}` });
  if (findRRset(zone, zone.apex, T_NS) < 0) errors.push({ ...first, message: `no NS records at the zone apex ${zone.meta.origin}` });
}


/** RFC 1034 section 4.2.1: a name server inside the zone it serves needs glue, or nobody can reach it. */
export function checkGlue(zone: CompiledZone, delegation: number, target: number, targetName: string, at: { file: string; line: number }, errors: ZoneProblem[], nameOf: NameOf): void {
  if (target >= 0 && (findRRset(zone, target, T_A) >= 0 || findRRset(zone, target, T_AAAA) >= 0)) return;
  errors.push({ ...at, message: `delegation ${nameOf(delegation)}: name server ${targetName} is inside the delegated zone but has no glue A/AAAA record` });
}
