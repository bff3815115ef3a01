// The one place that decides the authority and additional sections from a lookup's outcome (Knot's solve_authority).

import {
  type CompiledZone, findRRset, isSubdomainNode, nodeCut, rrsetCount, rrsetTargets,
} from '../zone/compiled/compiled.js';
import { ResponseWriter, Section } from '../wire/writer.js';
import { T_A, T_AAAA, T_DS, T_NS, T_SOA } from '../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from './outcome.js';
import { DenialProver } from './dnssec/proofs.js';

/** One per thread: its scratch buffers serve every query, one at a time. */
const prover = new DenialProver();

/** Drops the last proof's zone, which would otherwise stay referenced until the next query. */
export function forgetLastProof(): void {
  prover.reset();
}

/**
 * Adds what the outcome calls for after the answer section, DNSSEC denial proofs (NSEC/NSEC3) included
 * when out.dnssec is set (RFC 4035 section 3.1.3, RFC 5155 section 7.2). A proof that does not fit
 * sets TC: it is never left out silently.
 */
export function solveAuthority(out: QueryOutcome, w: ResponseWriter): void {
  // A truncated answer is cut short: the client retries over TCP and gets the rest there.
  if (w.truncated) return;
  const zone = out.zone;
  if (zone === null) return;
  prover.reset();
  switch (out.kind) {
    case OutcomeKind.Positive:
      wildcardChainProof(out, w);
      if (out.rrset >= 0) additional(zone, out.rrset, out, w);
      return;
    case OutcomeKind.WildcardAnswer:
      wildcardChainProof(out, w);
      if (out.dnssec && !prover.wildcardAnswer(zone, out.name!, out.encloser, w)) w.markTruncated();
      else if (out.rrset >= 0) additional(zone, out.rrset, out, w);
      return;
    case OutcomeKind.NxDomain:
      if (negative(zone, out, w) && out.dnssec && !prover.nxdomain(zone, out.name!, out.encloser, w)) w.markTruncated();
      wildcardChainProof(out, w);
      return;
    case OutcomeKind.NoData:
      if (negative(zone, out, w) && out.dnssec && !prover.nodata(zone, out.node, w)) w.markTruncated();
      wildcardChainProof(out, w);
      return;
    case OutcomeKind.WildcardNoData:
      if (negative(zone, out, w) && out.dnssec && !prover.wildcardNodata(zone, out.name!, out.encloser, out.wildcard, w)) w.markTruncated();
      wildcardChainProof(out, w);
      return;
    case OutcomeKind.Referral:
      referral(zone, out.cut, out, w);
      return;
    case OutcomeKind.Chain:
      wildcardChainProof(out, w);
      return;
    case OutcomeKind.Refused:
    case OutcomeKind.Error:
      return;
  }
}

/** A CNAME synthesized from a wildcard earlier in the chain: prove its owner does not exist (RFC 4035 section 3.1.3.3). */
function wildcardChainProof(out: QueryOutcome, w: ResponseWriter): void {
  const zone = out.wildcardChainZone;
  if (zone === null || w.truncated) return;
  if (!prover.wildcardAnswer(zone, out.wildcardChainName, out.wildcardChainEncloser, w)) w.markTruncated();
}

/**
 * NXDOMAIN or NODATA: the apex SOA in authority (RFC 2308 sections 3 and 5), signed when DNSSEC applies;
 * the signature's TTL is lowered with the SOA's (RFC 9077 section 3). False when it did not fit (TC set).
 */
function negative(zone: CompiledZone, out: QueryOutcome, w: ResponseWriter): boolean {
  if (!w.putNegativeSoa(zone, Section.Authority) || (out.dnssec && !w.putSignatures(zone, zone.apex, T_SOA, Section.Authority, -1, zone.negativeTtl))) {
    w.markTruncated();
    return false;
  }
  return true;
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
    // RFC 4035 section 3.1.4: the DS with its RRSIG, or the proof that there is no DS.
    const ds = findRRset(zone, cut, T_DS);
    const fits = ds >= 0
      ? w.putNodeRRset(zone, cut, ds, Section.Authority) && w.putSignatures(zone, cut, T_DS, Section.Authority, -1)
      : prover.insecureReferral(zone, cut, w);
    if (!fits) {
      w.markTruncated();
      return;
    }
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

/** Address records for in-zone NS/MX/SRV targets, signed with DO; optional, so whatever does not fit is left out. */
function additional(zone: CompiledZone, rrset: number, out: QueryOutcome, w: ResponseWriter): void {
  const targets = rrsetTargets(zone, rrset);
  if (targets < 0) return;
  const count = rrsetCount(zone, rrset);
  for (let i = 0; i < count; i++) {
    const target = zone.targets[targets + i];
    if (target < 0 || nodeCut(zone, target) >= 0 || earlierTarget(zone, targets, i, target)) continue;
    for (let g = 0; g < GLUE_TYPES.length; g++) {
      const r = findRRset(zone, target, GLUE_TYPES[g]);
      if (r >= 0 && w.putNodeRRset(zone, target, r, Section.Additional) && out.dnssec) w.putSignatures(zone, target, GLUE_TYPES[g], Section.Additional, -1);
    }
  }
}

function earlierTarget(zone: CompiledZone, targets: number, i: number, target: number): boolean {
  for (let j = 0; j < i; j++) if (zone.targets[targets + j] === target) return true;
  return false;
}

const GLUE_TYPES = [T_A, T_AAAA];
