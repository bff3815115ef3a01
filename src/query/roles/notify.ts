// NOTIFY (RFC 1996) for secondary zones: accepted only from the zone's primary and, when the zone has a key, only
// TSIG-signed (RFC 8945; the answer is signed too). An accepted NOTIFY asks the control plane for a refresh.
// Everything else is counted and answered REFUSED, NOTAUTH (a zone we are not secondary for, as Knot answers) or
// NOTAUTH with a TSIG error (BADKEY/BADSIG/BADTIME).

import type { Query } from '../../wire/query.js';
import type { ResponseWriter } from '../../wire/writer.js';
import { C_IN, RCODE_FORMERR, RCODE_NOTAUTH, RCODE_REFUSED, T_SOA } from '../../wire/constants.js';
import { OutcomeKind, type QueryOutcome } from '../outcome.js';
import type { QueryContext, QueryRole } from './role.js';
import { nameToText } from '../../zone/text/name-text.js';
import type { SecondaryConfig, SecondarySource } from '../../xfr/secondary-config.js';
import type { TsigKey } from '../../xfr/tsig-keys.js';
import { parseMessage } from '../../xfr/message.js';
import { TSIG_BADKEY, TSIG_BADSIG, TSIG_BADTIME, TsigError, findTsig, signMessage, verifyMessage } from '../../xfr/tsig.js';

export interface NotifyPolicy {
  config: SecondaryConfig;
  /** Zones added by catalogs (the control plane says which). */
  members: SecondarySource[];
  /** Called for each accepted NOTIFY; the control plane coalesces refreshes. */
  accepted(origin: string, from: string): void;
  /** Refused NOTIFYs are logged through this, at most once a second. */
  refused(origin: string, from: string, why: string): void;
}

/** How the response must be finished once the writer is done: signed, or with an unsigned TSIG error. */
interface TsigReply {
  key: TsigKey;
  requestMac: Uint8Array;
  error: number;
}

const mapped = (a: string) => (a.startsWith('::ffff:') ? a.slice(7) : a);

export class NotifyRole implements QueryRole {
  policy: NotifyPolicy | null = null;
  refusedCount = 0;
  acceptedCount = 0;
  /** The raw query, set by the handler for this role only (TSIG covers the whole message). */
  packet: Uint8Array = new Uint8Array(0);
  private reply: TsigReply | null = null;
  private lastLogAt = 0;

  answer(q: Query, w: ResponseWriter, out: QueryOutcome, ctx: QueryContext): void {
    this.reply = null;
    const policy = this.policy;
    out.kind = OutcomeKind.Refused;
    if (policy === null) {
      // No secondary zones: NOTAUTH, as Knot answers for a zone it does not take.
      w.setRcode(RCODE_NOTAUTH);
      return;
    }
    if (!q.hasQuestion || q.qtype !== T_SOA || q.qclass !== C_IN) {
      this.refuse(w, RCODE_FORMERR, '?', ctx.address, 'NOTIFY without an IN SOA question');
      return;
    }
    const origin = nameToText(q.qname.bytes);
    const zone = policy.config.zones.find((z) => z.origin === origin) ?? policy.config.catalogs.find((z) => z.origin === origin) ?? policy.members.find((z) => z.origin === origin) ?? null;
    if (zone === null) {
      this.refuse(w, RCODE_NOTAUTH, origin, ctx.address, 'not a secondary zone here');
      return;
    }
    if (mapped(ctx.address) !== zone.host) {
      this.refuse(w, RCODE_REFUSED, origin, ctx.address, `not from the zone's primary ${zone.host}`);
      return;
    }
    if (!this.checkTsig(w, origin, ctx.address, zone.keyName, policy.config.keys)) return;
    w.setAuthoritative(true);
    out.kind = OutcomeKind.Positive;
    this.acceptedCount++;
    policy.accepted(origin, ctx.address);
  }

  /** Appends the TSIG the response needs, if any; returns the new length. */
  finish(buf: Uint8Array, length: number): number {
    const reply = this.reply;
    if (reply === null) return length;
    this.reply = null;
    const msg = buf.subarray(0, length);
    const now = Math.floor(Date.now() / 1000);
    const signed =
      reply.error === 0
        ? signMessage(msg, reply.key, { priorMac: reply.requestMac })
        : reply.error === TSIG_BADTIME
          ? signMessage(msg, reply.key, { priorMac: reply.requestMac, error: TSIG_BADTIME, other: timeOctets(now) })
          : signMessage(msg, reply.key, { error: reply.error, emptyMac: true });
    buf.set(signed.message, 0);
    return signed.message.length;
  }

  private checkTsig(w: ResponseWriter, origin: string, from: string, keyName: string | null, keys: TsigKey[]): boolean {
    let tsig;
    try {
      tsig = findTsig(parseMessage(this.packet));
    } catch (err) {
      this.refuse(w, RCODE_FORMERR, origin, from, `malformed NOTIFY: ${(err as Error).message}`);
      return false;
    }
    if (tsig === null) {
      if (keyName === null) return true;
      this.refuse(w, RCODE_REFUSED, origin, from, `unsigned, but the zone has key ${keyName}`);
      return false;
    }
    const zoneKey = keyName === null ? undefined : keys.find((k) => k.name === keyName);
    try {
      const { key, mac } = verifyMessage(this.packet, tsig, (n) => (zoneKey ? (n === zoneKey.name ? zoneKey : undefined) : keys.find((k) => k.name === n)));
      this.reply = { key, requestMac: mac, error: 0 };
      return true;
    } catch (err) {
      if (!(err instanceof TsigError)) throw err;
      const named = nameToText(tsig.keyName).toLowerCase();
      const key = keys.find((k) => k.name === named);
      if (err.failure === 'BADTIME' && key) this.reply = { key, requestMac: tsig.mac, error: TSIG_BADTIME };
      else if (key || err.failure === 'BADKEY') this.reply = { key: key ?? { name: named, algorithm: 'hmac-sha256', secret: Buffer.alloc(0) }, requestMac: tsig.mac, error: err.failure === 'BADKEY' ? TSIG_BADKEY : TSIG_BADSIG };
      this.refuse(w, RCODE_NOTAUTH, origin, from, `TSIG ${err.failure}: ${err.message}`);
      return false;
    }
  }

  private refuse(w: ResponseWriter, rcode: number, origin: string, from: string, why: string): void {
    w.setRcode(rcode);
    this.refusedCount++;
    const now = Date.now();
    // A NOTIFY flood must not become a log flood.
    if (now - this.lastLogAt >= 1000) {
      this.lastLogAt = now;
      this.policy?.refused(origin, from, why);
    }
  }
}

function timeOctets(now: number): Uint8Array {
  const b = Buffer.alloc(6);
  b.writeUIntBE(now, 0, 6);
  return b;
}
