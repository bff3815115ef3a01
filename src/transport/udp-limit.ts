// RRL at the UDP edge, shared by the dgram and the native path: judged after the handler has answered.

import type { QueryHandler } from '../query/handler.js';
import { type ResponseRateLimiter, RrlAction } from '../abuse/rrl.js';
import { hashNameBackward } from '../wire/name.js';

/**
 * Applies RRL to the response the handler just wrote: returns the length to send (the answer, or a TC=1
 * slip), or 0 to drop it. Clients that proved their address with a valid server cookie are not limited.
 */
export function limit(handler: QueryHandler, rrl: ResponseRateLimiter, len: number): number {
  if (handler.cookieValid) return len;
  const outcome = handler.lastOutcome.bucket();
  switch (rrl.judge(handler.client, outcome.responseClass, hashNameBackward(outcome.bucketBytes, outcome.bucketOff, outcome.bucketOff + outcome.bucketLen))) {
    case RrlAction.Answer:
      return len;
    case RrlAction.Slip:
      return handler.truncateToQuestion();
    case RrlAction.Drop:
      return 0;
  }
}

