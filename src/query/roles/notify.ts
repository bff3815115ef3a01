// NOTIFY (RFC 1996): this node has no secondary zones yet, so it answers NOTAUTH as Knot does for a zone it does not take.

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import { RCODE_NOTAUTH } from '../../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from '../outcome.js';
import type { QueryContext, QueryRole } from './role.js';

export class NotifyRole implements QueryRole {
  answer(_q: Query, w: ResponseWriter, out: QueryOutcome, _ctx: QueryContext): void {
    w.setRcode(RCODE_NOTAUTH);
    out.kind = OutcomeKind.Refused;
  }
}
