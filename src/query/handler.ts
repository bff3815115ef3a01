// One query in, one response out: parse, classify into a role, let the role answer, finish with EDNS, count.

import { ParseOutcome, Query, parseQuery } from '../wire/query.js';
import { ResponseWriter } from '../wire/writer.js';
import { copyBytes } from '../wire/bytes.js';
import { DEFAULT_EDNS_SIZE, MIN_UDP_SIZE, RCODE_SERVFAIL } from '../wire/constants.js';
import { ChaosResponder, type ServerIdentity } from './roles/chaos.js';
import { QueryStats, Transport } from './stats.js';
import { ZoneSet } from './zoneset.js';
import { OutcomeKind, QueryOutcome } from './outcome.js';
import { Role, classify } from './roles/classify.js';
import { QueryContext, type Remote } from './roles/role.js';
import { InternetRole } from './roles/internet.js';
import { NotifyRole } from './roles/notify.js';
import { TransferRole } from './roles/transfer.js';
import { badVersionRole, malformedRole, otherOpcodeRole, unsupportedRole, updateRole } from './roles/errors.js';
import { CookieResult, type CookieSecrets, ServerCookies } from '../abuse/server-cookie.js';
import { ClientAddress } from '../abuse/client-address.js';

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
  readonly stats = new QueryStats();
  /** What the last query's answer was; overwritten by the next query (read it before then, e.g. for RRL). */
  readonly lastOutcome = new QueryOutcome();
  private readonly writer = new ResponseWriter();
  private readonly query = new Query();
  private readonly ctx = new QueryContext();
  private readonly internet = new InternetRole();
  private readonly chaos: ChaosResponder;
  /** Public so that a server with secondary zones can give it its policy (who may NOTIFY, with which key). */
  readonly notify = new NotifyRole();
  private readonly transfer = new TransferRole();
  private readonly maxUdp: number;
  /** Length of the last response, 0 for none. */
  private responseLength = 0;
  private readonly cookies: ServerCookies | null;
  /** Queries by CookieResult, for anycastd_cookies_total. */
  readonly cookieCounts = new Float64Array(5);
  /** Whether the last query carried a valid server cookie: its client proved its address (exempt from RRL). */
  cookieValid = false;
  /** The last query's client address, parsed only when cookies or RRL ask for its bytes. */
  readonly client = new ClientAddress();
  /** Whether cookies are on, and a rollover under way: what /status may say about the secrets. */
  readonly cookieSettings: { enabled: boolean; rollover: boolean };

  constructor(options: HandlerOptions) {
    this.chaos = new ChaosResponder(options);
    this.maxUdp = Math.max(MIN_UDP_SIZE, options.maxUdpSize ?? DEFAULT_EDNS_SIZE);
    this.writer.advertisedSize = this.maxUdp;
    this.writer.nsid = options.nsid === null ? null : Buffer.from(options.nsid, 'utf8');
    this.cookies = options.cookies ? new ServerCookies(options.cookies) : null;
    this.cookieSettings = { enabled: Boolean(options.cookies), rollover: Boolean(options.cookies?.previous) };
  }

  get zones(): ZoneSet {
    return this.ctx.zones;
  }

  /**
   * A swap also drops what the last answer still points at: those references would keep the replaced
   * zones (hundreds of MB for a big zone) alive past the GC that follows a swap, until the next query.
   */
  set zones(zones: ZoneSet) {
    this.ctx.zones = zones;
    this.lastOutcome.reset(null, false);
    this.internet.forgetZones();
  }

  /**
   * Answers pkt[0..len) and returns the response's length, 0 meaning no response at all. The response
   * stays readable through copyResponse()/response() until the next call.
   */
  handle(pkt: Uint8Array, len: number, transport: Transport, from?: Remote): number {
    const q = this.query;
    const w = this.writer;
    const out = this.lastOutcome;
    let parsed = parseQuery(pkt, len, q);
    this.cookieValid = false;
    if (parsed === ParseOutcome.Drop) {
      this.stats.dropped++;
      out.reset(null, false);
      this.responseLength = 0;
      return 0;
    }
    const ctx = this.ctx;
    ctx.transport = transport;
    ctx.address = from === undefined ? '' : from.address;
    ctx.port = from === undefined ? 0 : from.port;
    this.client.set(ctx.address);
    w.cookie = null;
    if (this.cookies !== null && from !== undefined && q.edns && parsed === ParseOutcome.Ok) {
      const result = this.checkCookie(q, pkt);
      if (result === CookieResult.Malformed) parsed = ParseOutcome.FormErr; // RFC 7873 section 5.2.2
      else if (result !== CookieResult.Missing) w.cookie = this.cookies.reply;
    }
    out.reset(q.hasQuestion ? q.qname : null, q.dnssecOk);
    const limit = transport === Transport.Tcp ? TCP_LIMIT : q.edns ? Math.min(Math.max(q.udpSize, MIN_UDP_SIZE), this.maxUdp) : MIN_UDP_SIZE;
    const role = classify(parsed, q);
    // RFC 8906 section 3.1.4: an unknown opcode's NOTIMP echoes the opcode but no other flags.
    w.begin(q, pkt, limit, role !== Role.OtherOpcode);
    switch (role) {
      case Role.Internet:
        this.internet.answer(q, w, out, ctx);
        // RFC 7314: how long our copy of a secondary zone has left, for those who ask.
        if (q.expire && ctx.zones.expiresAt !== null && out.zone !== null) this.expireOption(ctx.zones.expiresAt.get(out.zone));
        break;
      case Role.Chaos:
        this.chaos.answer(q, w, out, ctx);
        break;
      case Role.Notify:
        this.notify.packet = pkt.subarray(0, len);
        this.notify.answer(q, w, out, ctx);
        break;
      case Role.Transfer:
        this.transfer.answer(q, w, out, ctx);
        break;
      case Role.Update:
        updateRole.answer(q, w, out, ctx);
        break;
      case Role.OtherOpcode:
        otherOpcodeRole.answer(q, w, out, ctx);
        break;
      case Role.Unsupported:
        unsupportedRole.answer(q, w, out, ctx);
        break;
      case Role.Malformed:
        malformedRole.answer(q, w, out, ctx);
        break;
      case Role.BadVersion:
        badVersionRole.answer(q, w, out, ctx);
        break;
    }
    const rcode = w.rcodeValue;
    let length = w.finish(q);
    // A signed NOTIFY gets a signed answer: the TSIG goes after everything else, OPT included (RFC 8945 section 5.3).
    if (role === Role.Notify) length = this.notify.finish(w.buf, length);
    this.stats.count(transport, q.qtype, rcode, w.truncated, out.kind);
    this.responseLength = length;
    return length;
  }

  /** Judges the query's COOKIE option; a bad or stale server cookie still gets an answer and a fresh cookie (section 5.2.3). */
  private checkCookie(q: Query, pkt: Uint8Array): CookieResult {
    let result = CookieResult.Missing;
    if (q.cookieAt >= 0) {
      const ipLen = this.client.resolve();
      result = ipLen === 0 ? CookieResult.Missing : this.cookies!.check(pkt, q.cookieAt, q.cookieLen, this.client.bytes, ipLen, Math.floor(Date.now() / 1000));
    }
    this.cookieCounts[result]++;
    this.cookieValid = result === CookieResult.Valid;
    return result;
  }

  /** Rewrites the last response into a TC=1 reply carrying only the question (an RRL slip); returns its length. */
  truncateToQuestion(): number {
    const b = this.writer.buf;
    b[2] |= 0x02; // TC
    b[6] = b[7] = b[8] = b[9] = b[10] = b[11] = 0;
    this.stats.truncated++;
    this.responseLength = this.query.questionEnd;
    return this.responseLength;
  }

  private expireOption(at: number | undefined): void {
    if (at !== undefined) this.writer.expireSeconds = Math.max(0, Math.floor((at - Date.now()) / 1000));
  }

  /** Copies the last response into target at `at` (room for its length must be there). */
  copyResponse(target: Uint8Array, at: number): void {
    copyBytes(target, at, this.writer.buf, 0, this.responseLength);
  }

  /** The last response as a new Buffer (for tests and cold paths; the transports use copyResponse). */
  response(): Buffer {
    return Buffer.from(this.writer.buf.subarray(0, this.responseLength));
  }

  /** Counts a query the handler threw on, which the transport then answers with a bare SERVFAIL. */
  countFailure(transport: Transport): void {
    this.stats.count(transport, this.query.qtype, RCODE_SERVFAIL, false, OutcomeKind.Error);
  }
}
