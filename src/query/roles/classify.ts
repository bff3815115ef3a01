// Sorts each query into the role that answers it, once, before any answering starts (Knot's process_query).

import { ParseOutcome, type Query } from '../../wire/query.js';
import {
  C_ANY, C_CH, C_IN, OPCODE_NOTIFY, OPCODE_QUERY, OPCODE_UPDATE, T_AXFR, T_IXFR,
} from '../../wire/constants.js';

export const enum Role {
  /** A QUERY for class IN (or ANY, answered from the IN data as Knot does). */
  Internet,
  /** A QUERY in class CH: server identity (RFC 4892). */
  Chaos,
  Notify,
  /** AXFR or IXFR. */
  Transfer,
  Update,
  /** An opcode nobody implements here (RFC 8906 section 3.1.4). */
  OtherOpcode,
  /** A QUERY we cannot answer by its question: QTYPE 0, or a class we do not serve. */
  Unsupported,
  /** Not a well-formed DNS message (FORMERR). */
  Malformed,
  /** EDNS version above 0 (BADVERS, RFC 6891 section 6.1.3); it comes before anything else. */
  BadVersion,
}

/** The role for a query that parsed (ParseOutcome.Drop never gets this far). */
export function classify(parsed: ParseOutcome, q: Query): Role {
  if (parsed === ParseOutcome.FormErr) return Role.Malformed;
  if (q.edns && q.ednsVersion > 0) return Role.BadVersion;
  if (q.opcode !== OPCODE_QUERY) {
    if (q.opcode === OPCODE_NOTIFY) return Role.Notify;
    return q.opcode === OPCODE_UPDATE ? Role.Update : Role.OtherOpcode;
  }
  if (q.qtype === 0) return Role.Unsupported;
  if (q.qclass === C_CH) return Role.Chaos;
  if (q.qclass !== C_IN && q.qclass !== C_ANY) return Role.Unsupported;
  if (q.qtype === T_AXFR || q.qtype === T_IXFR) return Role.Transfer;
  return Role.Internet;
}
