// Justified differences from Knot for signed zones; each names the RFC that allows anycastd's answer.
import { excuse, type KnownDifference } from '../knot-differential/known-differences.js';

export const DNSSEC_DIFFERENCES: KnownDifference[] = [];

export function excuseDnssec(caseName: string, field: string): KnownDifference | undefined {
  return excuse(caseName, field, DNSSEC_DIFFERENCES);
}
