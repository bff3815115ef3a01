// The one place that decides the authority and additional sections from a lookup's outcome (Knot's solve_authority).

import {
  type CompiledZone, findRRset, isSubdomainNode, nodeCut, rrsetCount, rrsetTargets,
} from '../zone/compiled.js';
import { ResponseWriter, Section } from '../wire/writer.js';
import { T_A, T_AAAA, T_DS, T_NS, T_SOA } from '../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from './outcome.js';

/**
 * Adds what the outcome calls for after the answer section. DNSSEC denial proofs (NSEC/NSEC3) belong
 * here too, per case, when out.dnssec is set: out carries the zone, the name of the last step, its
 * closest encloser and next closer label, the wildcard node and the delegation node they need.
 */
export function solveAuthority(out: QueryOutcome, w: ResponseWriter): void {
  // A truncated answer is cut short: the client retries over TCP and gets the rest there.
  if (w.truncated) return;
  const zone = out.zone;
  if (zone === null) return;
  switch (out.kind) {
    case OutcomeKind.Positive:
    case OutcomeKind.WildcardAnswer:
      if (out.rrset >= 0) additional(zone, out.rrset, w);
      return;
    case OutcomeKind.NxDomain:
    case OutcomeKind.NoData:
    case OutcomeKind.WildcardNoData:
      negative(zone, out, w);
      return;
    case OutcomeKind.Referral:
      referral(zone, out.cut, out, w);
      return;
    case OutcomeKind.Chain:
    case OutcomeKind.Refused:
    case OutcomeKind.Error:
      return;
  }
}

/** NXDOMAIN or NODATA: the apex SOA in authority (RFC 2308 sections 3 and 5), signed when DNSSEC applies. */
function negative(zone: CompiledZone, out: QueryOutcome, w: ResponseWriter): void {
  if (!w.putNegativeSoa(zone, Section.Authority)) {
    w.markTruncated();
    return;
  }
  if (out.dnssec) w.putSignatures(zone, zone.apex, T_SOA, Section.Authority, -1);
}

/** Referral (RFC 1034 section 4.3.2 step 3b): NS of the cut in authority, glue in additional, AA clear. */
function referral(zone: CompiledZone, cut: number, out: QueryOutcome, w: ResponseWriter): void {
  if (w.answerCount === 0) w.setAuthoritative(false);
  const ns = findRRset(zone, cut, T_NS);
  if (!w.putNodeRRset(zone, cut, ns, Section.Authority)) {
    w.markTruncated();
    return;
  }
  if (out.dnssec) {
    const ds = findRRset(zone, cut, T_DS);
    if (ds >= 0 && w.putNodeRRset(zone, cut, ds, Section.Authority)) w.putSignatures(zone, cut, T_DS, Section.Authority, -1);
  }
  const targets = rrsetTargets(zone, ns);
  const count = rrsetCount(zone, ns);
  for (let i = 0; i < count; i++) {
    const target = zone.targets[targets + i];
    if (target < 0) continue;
    // RFC 9471: glue for name servers inside the delegated zone must fit, or the answer is truncated.
    const required = isSubdomainNode(zone, target, cut);
    for (let g = 0; g < GLUE_TYPES.length; g++) {
      const glue = findRRset(zone, target, GLUE_TYPES[g]);
      if (glue >= 0 && !w.putNodeRRset(zone, target, glue, Section.Additional) && required) w.markTruncated();
    }
  }
}

/** Address records for in-zone NS/MX/SRV targets; optional, so whatever does not fit is left out. */
function additional(zone: CompiledZone, rrset: number, w: ResponseWriter): void {
  const targets = rrsetTargets(zone, rrset);
  if (targets < 0) return;
  const count = rrsetCount(zone, rrset);
  for (let i = 0; i < count; i++) {
    const target = zone.targets[targets + i];
    if (target < 0 || nodeCut(zone, target) >= 0 || earlierTarget(zone, targets, i, target)) continue;
    for (let g = 0; g < GLUE_TYPES.length; g++) {
      const r = findRRset(zone, target, GLUE_TYPES[g]);
      if (r >= 0) w.putNodeRRset(zone, target, r, Section.Additional);
    }
  }
}

function earlierTarget(zone: CompiledZone, targets: number, i: number, target: number): boolean {
  for (let j = 0; j < i; j++) if (zone.targets[targets + j] === target) return true;
  return false;
}

const GLUE_TYPES = [T_A, T_AAAA];
