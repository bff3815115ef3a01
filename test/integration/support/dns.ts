// Test helper: builds queries, checks that a reply is a well-formed DNS response, and speaks DNS over TCP.

import dnsPacket from 'dns-packet';
import net from 'node:net';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, NOTAUTH: 9, BADVERS: 16 } as const;
export const RCODE_NAME: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]));

export interface QuerySpec {
  id: number;
  name: string;
  type?: string;
  klass?: string;
  rd?: boolean;
  /** Adds an OPT record with this EDNS version (and udp size 1232). */
  ednsVersion?: number;
}

export function buildQuery(spec: QuerySpec): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: spec.id,
    flags: spec.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: spec.name, type: (spec.type ?? 'A') as 'A', class: (spec.klass ?? 'IN') as 'IN' }],
    additionals:
      spec.ednsVersion === undefined
        ? []
        : [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: spec.ednsVersion, flags: 0, options: [] } as never],
  });
}

export interface ReplyInfo {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  /** Full rcode: header rcode plus the OPT's upper 8 bits when there is an OPT. */
  rcode: number;
  counts: [number, number, number, number];
  optCount: number;
  /** EDNS version of the (first) OPT record, -1 without one. */
  ednsVersion: number;
  /** Type and class of the first question, -1 without one. */
  qtype: number;
  qclass: number;
  /** Offset just past the question section. */
  questionEnd: number;
  /** The OPT's UDP payload size, 0 without one. */
  udpSize: number;
}

/** Walks a name; returns the offset after it or throws. Pointers must point backwards inside the message. */
function walkName(msg: Buffer, off: number): number {
  let p = off;
  let end = -1;
  let octets = 0;
  for (let hops = 0; hops < 128; hops++) {
    if (p >= msg.length) throw new Error(`name at ${off} runs past the end`);
    const b = msg[p];
    if ((b & 0xc0) === 0xc0) {
      if (p + 1 >= msg.length) throw new Error(`pointer at ${p} truncated`);
      const target = ((b & 0x3f) << 8) | msg[p + 1];
      if (target >= p) throw new Error(`pointer at ${p} to ${target} does not point backwards`);
      if (end < 0) end = p + 2;
      p = target;
      continue;
    }
    if (b & 0xc0) throw new Error(`bad label type 0x${b.toString(16)} at ${p}`);
    octets += b + 1;
    if (octets > 255) throw new Error(`name at ${off} longer than 255 octets`);
    if (b === 0) return end < 0 ? p + 1 : end;
    p += b + 1;
  }
  throw new Error(`name at ${off} has too many pointers`);
}

/** Parses a reply strictly (RFC 1035 framing, one OPT at most); throws with a reason if it is malformed. */
export function parseReply(msg: Buffer): ReplyInfo {
  if (msg.length < 12) throw new Error(`reply of ${msg.length} bytes is shorter than a header`);
  const flags = msg.readUInt16BE(2);
  const counts: [number, number, number, number] = [msg.readUInt16BE(4), msg.readUInt16BE(6), msg.readUInt16BE(8), msg.readUInt16BE(10)];
  let off = 12;
  let qtype = -1;
  let qclass = -1;
  for (let i = 0; i < counts[0]; i++) {
    off = walkName(msg, off) + 4;
    if (off > msg.length) throw new Error('question truncated');
    if (i === 0) {
      qtype = msg.readUInt16BE(off - 4);
      qclass = msg.readUInt16BE(off - 2);
    }
  }
  const questionEnd = off;
  let rcode = flags & 0xf;
  let optCount = 0;
  let ednsVersion = -1;
  let udpSize = 0;
  const rrs = counts[1] + counts[2] + counts[3];
  for (let i = 0; i < rrs; i++) {
    const owner = off;
    off = walkName(msg, off);
    if (off + 10 > msg.length) throw new Error(`RR ${i} header truncated`);
    const type = msg.readUInt16BE(off);
    const rdlen = msg.readUInt16BE(off + 8);
    if (type === 41) {
      if (i < counts[1] + counts[2]) throw new Error('OPT outside the additional section');
      if (msg[owner] !== 0) throw new Error('OPT owner is not the root');
      if (optCount++ === 0) {
        rcode |= msg[off + 4] << 4;
        ednsVersion = msg[off + 5];
        udpSize = msg.readUInt16BE(off + 2);
      }
    }
    off += 10 + rdlen;
    if (off > msg.length) throw new Error(`RR ${i} rdata runs past the end`);
  }
  if (off !== msg.length) throw new Error(`${msg.length - off} trailing bytes after the last record`);
  if (optCount > 1) throw new Error('more than one OPT');
  dnsPacket.decode(msg); // a second opinion: the codec of record must read it too
  return {
    id: msg.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    rcode,
    counts,
    optCount,
    ednsVersion,
    qtype,
    qclass,
    questionEnd,
    udpSize,
  };
}

/**
 * Problems with `reply` as the answer to `query` (empty when fine): well-formed, QR=1, same ID,
 * same opcode, rcode among `allowed`, and no AA/TC on error replies.
 */
export function replyProblems(query: Buffer, reply: Buffer, allowed: readonly number[]): string[] {
  let info: ReplyInfo;
  try {
    info = parseReply(reply);
  } catch (err) {
    return [`malformed reply (${(err as Error).message}): ${reply.toString('hex')}`];
  }
  const problems: string[] = [];
  if (!info.qr) problems.push('QR=0 in reply');
  if (query.length >= 2 && info.id !== query.readUInt16BE(0)) problems.push(`ID ${info.id} != query ID ${query.readUInt16BE(0)}`);
  if (query.length >= 3 && info.opcode !== ((query[2] >> 3) & 0xf)) problems.push(`opcode ${info.opcode} not echoed (query ${(query[2] >> 3) & 0xf})`);
  if (!allowed.includes(info.rcode)) problems.push(`rcode ${RCODE_NAME[info.rcode] ?? info.rcode} not in [${allowed.map((r) => RCODE_NAME[r]).join(',')}]`);
  if ((info.rcode === RCODE.FORMERR || info.rcode === RCODE.NOTIMP) && (info.aa || info.tc)) problems.push('AA or TC set on an error reply');
  if (info.counts[0] > 1) problems.push(`QDCOUNT ${info.counts[0]} in reply`);
  // A question in the reply is the query's, byte for byte (case included; RFC 1035 4.1.2, RFC 4343).
  if (info.counts[0] === 1 && !query.subarray(12, info.questionEnd).equals(reply.subarray(12, info.questionEnd))) {
    problems.push(`question not echoed: ${reply.subarray(12, info.questionEnd).toString('hex')}`);
  }
  return problems;
}

export function rcodeOf(reply: Buffer): number {
  return parseReply(reply).rcode;
}

/** Answers (A rdata as dotted quads) from a reply, via dns-packet. */
export function answerAddresses(reply: Buffer): string[] {
  const d = dnsPacket.decode(reply);
  return (d.answers ?? []).flatMap((a) => (a.type === 'A' ? [String(a.data)] : []));
}

export function frame(msg: Uint8Array): Buffer {
  const out = Buffer.alloc(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  out.set(msg, 2);
  return out;
}

/** A DNS-over-TCP client that collects length-prefixed replies and notices when the server closes. */
export class TcpClient {
  readonly socket: net.Socket;
  readonly replies: Buffer[] = [];
  closed = false;
  closedAt = 0;
  readonly connected: Promise<void>;
  readonly closedPromise: Promise<void>;
  private pending: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  constructor(port: number, host = '127.0.0.1') {
    this.socket = net.connect({ port, host, noDelay: true });
    this.connected = new Promise((ok, fail) => {
      this.socket.once('connect', () => ok());
      this.socket.once('error', fail);
    });
    this.connected.catch(() => undefined);
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      while (this.pending.length >= 2) {
        const len = this.pending.readUInt16BE(0);
        if (this.pending.length < len + 2) break;
        this.replies.push(Buffer.from(this.pending.subarray(2, 2 + len)));
        this.pending = this.pending.subarray(2 + len);
      }
      this.wake();
    });
    this.closedPromise = new Promise((ok) =>
      this.socket.once('close', () => {
        this.closed = true;
        this.closedAt = Date.now();
        this.wake();
        ok();
      }),
    );
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(msg: Uint8Array): void {
    this.socket.write(frame(msg));
  }

  /** Waits until `n` replies have arrived, the connection closed, or the timeout passed; returns the count. */
  async waitReplies(n: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
    return this.replies.length;
  }

  /** Waits for the server to close the connection; true if it did within the timeout. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return true;
    await Promise.race([this.closedPromise, new Promise((r) => setTimeout(r, timeoutMs))]);
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
