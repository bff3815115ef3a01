// The roles that answer with an error code alone: malformed messages, EDNS versions, opcodes and questions we do not serve.

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import {
  C_ANY, C_IN, RCODE_BADVERS, RCODE_FORMERR, RCODE_NOTAUTH, RCODE_NOTIMP, RCODE_REFUSED,
} from '../../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from '../outcome.js';
import type { QueryContext, QueryRole } from './role.js';

/** A role whose whole answer is one RCODE and the outcome it counts as. */
function rcodeOnly(rcode: number, kind: OutcomeKind): QueryRole {
  return {
    answer(_q: Query, w: ResponseWriter, out: QueryOutcome, _ctx: QueryContext): void {
      w.setRcode(rcode);
      out.kind = kind;
    },
  };
}

export const malformedRole = rcodeOnly(RCODE_FORMERR, OutcomeKind.Error);

/** RFC 6891 section 6.1.3: BADVERS, advertising the version we do speak (0). */
export const badVersionRole = rcodeOnly(RCODE_BADVERS, OutcomeKind.Error);

/** Dynamic update (RFC 2136) is a role this node does not have: NOTAUTH, as Knot answers. */
export const updateRole = rcodeOnly(RCODE_NOTAUTH, OutcomeKind.Refused);

/** RFC 8906 section 3.1.4: NOTIMP for an unknown opcode (the handler echoes no flags for it). */
export const otherOpcodeRole = rcodeOnly(RCODE_NOTIMP, OutcomeKind.Error);

/** QTYPE 0 is NOTIMP; a class other than IN, ANY and CH is not served (REFUSED). */
export const unsupportedRole: QueryRole = {
  answer(q: Query, w: ResponseWriter, out: QueryOutcome, _ctx: QueryContext): void {
    if (q.qtype === 0) {
      w.setRcode(RCODE_NOTIMP);
      out.kind = OutcomeKind.Error;
      return;
    }
    if (q.qclass !== C_IN && q.qclass !== C_ANY) {
      w.setRcode(RCODE_REFUSED);
      out.kind = OutcomeKind.Refused;
    }
  },
};
