// Query counters kept by the data path and read by the control plane: plain typed arrays, no allocation per query.

import { OUTCOME_COUNT, type OutcomeKind } from './outcome.js';

export const enum Transport {
  Udp = 0,
  Tcp = 1,
}

export class QueryStats {
  readonly queries = new Float64Array(2); // by transport
  readonly rcodes = new Float64Array(24); // by response RCODE (extended codes included)
  readonly qtypes = new Float64Array(257); // by QTYPE; index 256 collects types above 255
  readonly outcomes = new Float64Array(OUTCOME_COUNT); // by OutcomeKind
  dropped = 0; // not answered: too short to be DNS, or a response (RFC 8906 allows silence only there)
  truncated = 0;

  count(transport: Transport, qtype: number, rcode: number, tc: boolean, outcome: OutcomeKind): void {
    this.queries[transport]++;
    this.outcomes[outcome]++;
    this.qtypes[qtype < 256 ? qtype : 256]++;
    this.rcodes[rcode < 24 ? rcode : 23]++;
    if (tc) this.truncated++;
  }

  get total(): number {
    return this.queries[0] + this.queries[1];
  }
}
