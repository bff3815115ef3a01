// One query in, one response out: parse, pick the answer path (IN zones, CHAOS, errors), finish with EDNS.

import { ParseOutcome, Query, parseQuery } from '../wire/query.js';
import { ResponseWriter } from '../wire/writer.js';
import {
  C_ANY, C_CH, C_IN, DEFAULT_EDNS_SIZE, MIN_UDP_SIZE, OPCODE_NOTIFY, OPCODE_QUERY, OPCODE_UPDATE,
  RCODE_BADVERS, RCODE_FORMERR, RCODE_NOERROR, RCODE_NOTAUTH, RCODE_NOTIMP, RCODE_NXDOMAIN, RCODE_REFUSED, T_AXFR, T_IXFR,
} from '../wire/constants.js';
import { Resolver } from './resolve.js';
import { ChaosResponder, type ServerIdentity } from './chaos.js';
import { QueryStats, Transport } from './stats.js';
import { ZoneSet } from './zoneset.js';
import { CookieResult, type CookieSecrets, RESPONSE_COOKIE_LEN, ServerCookies } from '../abuse/server-cookie.js';
import type { ClientAddress } from '../abuse/client-address.js';
import { RrlClass } from '../abuse/rrl.js';

export interface HandlerOptions extends ServerIdentity {
  /** RFC 5001 NSID payload, sent only when a client asks for it. */
  nsid: string | null;
  /** Largest UDP response and the size advertised in OPT. */
  maxUdpSize?: number;
  /** DNS cookies (RFC 7873) with this fleet-wide secret; null leaves COOKIE options unanswered, as without support. */
  cookies?: CookieSecrets | null;
}

/** A message of at most 64 KiB always fits in the writer; a TCP response may use all of it (RFC 7766). */
const TCP_LIMIT = 65535;

export class QueryHandler {
  readonly writer = new ResponseWriter();
  readonly stats = new QueryStats();
  zones = new ZoneSet([]);
  private readonly query = new Query();
  private readonly resolver = new Resolver();
  private readonly chaos: ChaosResponder;
  private readonly nsid: Uint8Array | null;
  private readonly maxUdp: number;
  private readonly cookies: ServerCookies | null;
  /** Queries by CookieResult, for anycastd_cookies_total. */
  readonly cookieCounts = new Float64Array(5);
  /** Whether the query just handled carried a valid server cookie: such a client proved its address (exempt from RRL). */
  cookieValid = false;

  constructor(options: HandlerOptions) {
    this.chaos = new ChaosResponder(options);
    this.nsid = options.nsid === null ? null : Buffer.from(options.nsid, 'utf8');
    this.maxUdp = Math.max(MIN_UDP_SIZE, options.maxUdpSize ?? DEFAULT_EDNS_SIZE);
    this.writer.advertisedSize = this.maxUdp;
    this.cookies = options.cookies ? new ServerCookies(options.cookies) : null;
  }

  /**
   * Answers pkt[0..len) from `client` (needed for cookies; null skips them); the response is
   * writer.buf[0..returned length), 0 meaning no response at all.
   */
  handle(pkt: Uint8Array, len: number, transport: Transport, client: ClientAddress | null = null): number {
    const q = this.query;
    const w = this.writer;
    let parsed = parseQuery(pkt, len, q);
    this.cookieValid = false;
    if (parsed === ParseOutcome.Drop) {
      this.stats.dropped++;
      return 0;
    }
    const limit = transport === Transport.Tcp ? TCP_LIMIT : q.edns ? Math.min(Math.max(q.udpSize, MIN_UDP_SIZE), this.maxUdp) : MIN_UDP_SIZE;
    let optSize = q.edns ? 11 + (q.nsid && this.nsid ? 4 + this.nsid.length : 0) : 0;
    let cookie: Uint8Array | null = null;
    if (this.cookies !== null && client !== null && q.edns && parsed === ParseOutcome.Ok) {
      const result = this.checkCookie(q, pkt, client);
      if (result === CookieResult.Malformed) parsed = ParseOutcome.FormErr; // RFC 7873 section 5.2.2
      else if (result !== CookieResult.Missing) {
        cookie = this.cookies.reply;
        optSize += 4 + RESPONSE_COOKIE_LEN;
      }
    }
    if (parsed === ParseOutcome.FormErr) {
      w.begin(q, pkt, limit, optSize, true);
      w.setRcode(RCODE_FORMERR);
    } else if (q.edns && q.ednsVersion > 0) {
      // RFC 6891 section 6.1.3: BADVERS, advertising the version we do speak (0); it comes before anything else.
      w.begin(q, pkt, limit, optSize, true);
      w.setRcode(RCODE_BADVERS);
    } else if (q.opcode === OPCODE_NOTIFY || q.opcode === OPCODE_UPDATE) {
      // Known opcodes for roles this node does not have (secondary, dynamic updates): NOTAUTH, as Knot answers.
      w.begin(q, pkt, limit, optSize, true);
      w.setRcode(RCODE_NOTAUTH);
    } else if (q.opcode !== OPCODE_QUERY) {
      // RFC 8906 section 3.1.4: NOTIMP, echoing the opcode but no other flags.
      w.begin(q, pkt, limit, optSize, false);
      w.setRcode(RCODE_NOTIMP);
    } else {
      w.begin(q, pkt, limit, optSize, true);
      this.answer(q, transport);
    }
    const rcode = w.rcodeValue;
    return this.done(w.finish(q, this.nsid, cookie), transport, rcode);
  }

  /**
   * The RRL response class of the answer just written, read from the response (rcode, answers, AA).
   * Wildcard answers cannot be told from positive ones here, so they are bucketed by qname.
   */
  rrlClass(): RrlClass {
    const w = this.writer;
    const rcode = w.rcodeValue;
    if (rcode === RCODE_NXDOMAIN) return RrlClass.NxDomain;
    if (rcode !== RCODE_NOERROR) return RrlClass.Error;
    if (w.answerCount > 0) return RrlClass.Positive;
    return w.authoritative ? RrlClass.NoData : RrlClass.Referral;
  }

  /** The hash of the class's bucket name: the qname for positive answers, else the apex of the zone asked (root if none). */
  rrlNameHash(cls: RrlClass): number {
    const key = this.query.qname;
    if (!this.query.hasQuestion) return 0;
    if (cls === RrlClass.Positive) return key.hashes[0];
    const zone = this.zones.find(key, false);
    return key.hashes[zone === null ? key.count : key.count - zone.apexLabels];
  }

  /** Rewrites the response just written into a TC=1 reply carrying only the question (an RRL slip); returns its length. */
  truncateToQuestion(): number {
    const b = this.writer.buf;
    b[2] |= 0x02; // TC
    b[6] = b[7] = b[8] = b[9] = b[10] = b[11] = 0;
    this.stats.truncated++;
    return this.query.questionEnd;
  }

  /** Judges the query's COOKIE option; a bad or stale server cookie still gets an answer and a fresh cookie (section 5.2.3). */
  private checkCookie(q: Query, pkt: Uint8Array, client: ClientAddress): CookieResult {
    let result = CookieResult.Missing;
    if (q.cookieAt >= 0) {
      const ipLen = client.resolve();
      result = ipLen === 0 ? CookieResult.Missing : this.cookies!.check(pkt, q.cookieAt, q.cookieLen, client.bytes, ipLen, Math.floor(Date.now() / 1000));
    }
    this.cookieCounts[result]++;
    this.cookieValid = result === CookieResult.Valid;
    return result;
  }

  private answer(q: Query, transport: Transport): void {
    const w = this.writer;
    const qtype = q.qtype;
    if (qtype === 0) {
      w.setRcode(RCODE_NOTIMP);
      return;
    }
    if (q.qclass === C_CH) {
      this.chaos.answer(q, w);
      return;
    }
    // Class ANY is answered from the IN data, as Knot does; other classes are not served.
    if (q.qclass !== C_IN && q.qclass !== C_ANY) {
      w.setRcode(RCODE_REFUSED);
      return;
    }
    if (qtype === T_AXFR || qtype === T_IXFR) {
      // No zone transfers from an anycast node. AXFR over UDP is not a thing (RFC 5936 section 4.2).
      w.setRcode(qtype === T_AXFR && transport === Transport.Udp ? RCODE_NOTIMP : RCODE_NOTAUTH);
      return;
    }
    this.resolver.resolve(q, this.zones, w);
  }

  private done(len: number, transport: Transport, rcode: number): number {
    this.stats.count(transport, this.query.qtype, rcode, this.writer.truncated);
    return len;
  }
}
