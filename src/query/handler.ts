// One query in, one response out: parse, classify into a role, let the role answer, finish with EDNS, count.

import { ParseOutcome, Query, parseQuery } from '../wire/query.js';
import { ResponseWriter } from '../wire/writer.js';
import { copyBytes } from '../wire/bytes.js';
import { DEFAULT_EDNS_SIZE, MIN_UDP_SIZE, RCODE_SERVFAIL } from '../wire/constants.js';
import { ChaosResponder, type ServerIdentity } from './chaos.js';
import { QueryStats, Transport } from './stats.js';
import { ZoneSet } from './zoneset.js';
import { OutcomeKind, QueryOutcome } from './outcome.js';
import { Role, classify } from './roles/classify.js';
import { QueryContext, type Remote } from './roles/role.js';
import { InternetRole } from './roles/internet.js';
import { NotifyRole } from './roles/notify.js';
import { TransferRole } from './roles/transfer.js';
import { badVersionRole, malformedRole, otherOpcodeRole, unsupportedRole, updateRole } from './roles/errors.js';

export interface HandlerOptions extends ServerIdentity {
  /** RFC 5001 NSID payload, sent only when a client asks for it. */
  nsid: string | null;
  /** Largest UDP response and the size advertised in OPT. */
  maxUdpSize?: number;
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
  private readonly notify = new NotifyRole();
  private readonly transfer = new TransferRole();
  private readonly maxUdp: number;
  /** Length of the last response, 0 for none. */
  private responseLength = 0;

  constructor(options: HandlerOptions) {
    this.chaos = new ChaosResponder(options);
    this.maxUdp = Math.max(MIN_UDP_SIZE, options.maxUdpSize ?? DEFAULT_EDNS_SIZE);
    this.writer.advertisedSize = this.maxUdp;
    this.writer.nsid = options.nsid === null ? null : Buffer.from(options.nsid, 'utf8');
  }

  get zones(): ZoneSet {
    return this.ctx.zones;
  }

  set zones(zones: ZoneSet) {
    this.ctx.zones = zones;
  }

  /**
   * Answers pkt[0..len) and returns the response's length, 0 meaning no response at all. The response
   * stays readable through copyResponse()/response() until the next call.
   */
  handle(pkt: Uint8Array, len: number, transport: Transport, from?: Remote): number {
    const q = this.query;
    const w = this.writer;
    const out = this.lastOutcome;
    const parsed = parseQuery(pkt, len, q);
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
    out.reset(q.hasQuestion ? q.qname : null, q.dnssecOk);
    const limit = transport === Transport.Tcp ? TCP_LIMIT : q.edns ? Math.min(Math.max(q.udpSize, MIN_UDP_SIZE), this.maxUdp) : MIN_UDP_SIZE;
    const role = classify(parsed, q);
    // RFC 8906 section 3.1.4: an unknown opcode's NOTIMP echoes the opcode but no other flags.
    w.begin(q, pkt, limit, role !== Role.OtherOpcode);
    switch (role) {
      case Role.Internet:
        this.internet.answer(q, w, out, ctx);
        break;
      case Role.Chaos:
        this.chaos.answer(q, w, out, ctx);
        break;
      case Role.Notify:
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
    const length = w.finish(q);
    this.stats.count(transport, q.qtype, rcode, w.truncated, out.kind);
    this.responseLength = length;
    return length;
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
