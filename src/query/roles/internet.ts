// The IN-class role: look the name up in our zones, then add authority and additional from the outcome.

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import { forgetLastProof, solveAuthority } from '../authority.js';
import type { QueryOutcome } from '../outcome.js';
import { Resolver } from '../resolve.js';
import type { QueryContext, QueryRole } from './role.js';

export class InternetRole implements QueryRole {
  private readonly resolver = new Resolver();

  answer(q: Query, w: ResponseWriter, out: QueryOutcome, ctx: QueryContext): void {
    this.resolver.resolve(q, ctx.zones, w, out);
    solveAuthority(out, w);
  }

  /** Drops the zones the last lookup went through (a swap is under way). */
  forgetZones(): void {
    this.resolver.forgetZones();
    forgetLastProof();
  }
}
