// AXFR and IXFR: no zone transfers from an anycast node.

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import { RCODE_NOTAUTH, RCODE_NOTIMP, T_AXFR } from '../../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from '../outcome.js';
import { Transport } from '../stats.js';
import type { QueryContext, QueryRole } from './role.js';

export class TransferRole implements QueryRole {
  answer(q: Query, w: ResponseWriter, out: QueryOutcome, ctx: QueryContext): void {
    // AXFR over UDP is not a thing (RFC 5936 section 4.2): NOTIMP; otherwise NOTAUTH, as Knot answers.
    w.setRcode(q.qtype === T_AXFR && ctx.transport === Transport.Udp ? RCODE_NOTIMP : RCODE_NOTAUTH);
    out.kind = OutcomeKind.Refused;
  }
}
