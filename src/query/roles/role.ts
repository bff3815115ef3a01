// What every query role gets and must do: the contract between the handler's dispatch and one role module.

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import type { QueryOutcome } from '../outcome.js';
import { Transport } from '../stats.js';
import { ZoneSet } from '../zoneset.js';

/** Who asked, over what, and what we serve: one object per handler, updated for each query. */
export class QueryContext {
  transport: Transport = Transport.Udp;
  /** The client's address and port as the transport saw them ('' and 0 when unknown, e.g. in unit tests). */
  address = '';
  port = 0;
  zones = new ZoneSet([]);
}

/** Where the transport says a query came from (a dgram rinfo fits, as does one object per TCP connection). */
export interface Remote {
  address: string;
  port: number;
}

/**
 * A role answers one kind of query. The handler has already begun the response (header, question,
 * OPT space reserved; AA clear, RCODE 0) and finishes it afterwards (OPT, counts). The role writes
 * sections and the RCODE, and sets out.kind (and, for zone data, the rest of `out`).
 */
export interface QueryRole {
  answer(q: Query, w: ResponseWriter, out: QueryOutcome, ctx: QueryContext): void;
}
