// Lab helper process, started inside one network namespace (`ip netns exec NS node ns-agent.mjs`).
// The test process cannot open sockets inside a namespace, so it drives this agent instead:
// one JSON request per line on stdin, one JSON reply per line on stdout ({ id, ok, result | error }).
// Everything it does is bounded in time and count; it exits when stdin closes.
//
// Ops:
//   http   { method, url, timeoutMs }                       -> { status, body }
//   query  { server, port, name, type, timeoutMs }          -> { rcode, aa, nsid, serial, ms } | { lost: true }
//   probe  { server, port, name, type, count, timeoutMs, concurrency }
//          count queries, each from a fresh UDP socket (a fresh source port, so ECMP hashes each one anew)
//                                                          -> { sent, answered, lost, byNsid, rcodes }
//   steadyStart { server, port, name, type, qps, sockets, timeoutMs, maxMs, bucketMs }
//          a steady query stream from a pool of sockets until steadyStop or maxMs (hard bound)
//   steadyStop {}                                          -> { sent, answered, lost, byNsid, lostAt, buckets, ... }
//   httpFlood { host, port, connections, slowloris, durationMs } (bounded: see ../control/http-flood.mjs)
//                                                          -> { connects, responses, droppedByServer, slowlorisCut, ... }

import dgram from 'node:dgram';
import readline from 'node:readline';
import dnsPacket from 'dns-packet';
import { httpFlood } from '../control/http-flood.mjs';

const NSID = 3;
const MAX_PROBES = 5000;
const MAX_STEADY_MS = 60_000;
const MAX_QPS = 5000;

function encodeQuery(id, name, type) {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: 0,
    questions: [{ name, type, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [{ code: NSID, data: Buffer.alloc(0) }] }],
  });
}

/** The fields the lab needs from a reply: rcode, AA, NSID text, SOA serial. */
function readReply(buf) {
  const msg = dnsPacket.decode(buf);
  let nsid = null;
  for (const rr of msg.additionals ?? []) {
    if (rr.type !== 'OPT') continue;
    for (const o of rr.options ?? []) if (o.code === NSID && o.data) nsid = Buffer.from(o.data).toString('utf8');
  }
  const soa = (msg.answers ?? []).find((a) => a.type === 'SOA');
  return {
    id: msg.id,
    rcode: msg.rcode,
    aa: (msg.flags & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    nsid,
    serial: soa ? soa.data.serial : null,
  };
}

function httpRequest({ method = 'GET', url, timeoutMs = 3000 }) {
  return fetch(url, { method, signal: AbortSignal.timeout(timeoutMs) }).then(async (res) => ({ status: res.status, body: await res.text() }));
}

/** One query from a fresh socket; resolves with the reply fields, or { lost: true } after timeoutMs. */
function queryOnce({ server, port = 53, name, type = 'A', timeoutMs = 1000 }) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const id = (Math.random() * 0x10000) | 0;
    const started = performance.now();
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(value);
    };
    const timer = setTimeout(() => finish({ lost: true, ms: timeoutMs }), timeoutMs);
    sock.on('error', (err) => finish({ lost: true, error: err.message, ms: performance.now() - started }));
    sock.on('message', (buf) => {
      try {
        const r = readReply(buf);
        if (r.id !== id) return;
        finish({ ...r, ms: performance.now() - started });
      } catch {
        // not a DNS reply for us: keep waiting
      }
    });
    sock.send(encodeQuery(id, name, type), port, server);
  });
}

async function probe({ count = 32, concurrency = 16, ...q }) {
  const n = Math.min(MAX_PROBES, count);
  const out = { sent: 0, answered: 0, lost: 0, byNsid: {}, rcodes: {} };
  let next = 0;
  const runOne = async () => {
    while (next < n) {
      next++;
      out.sent++;
      const r = await queryOnce(q);
      if (r.lost) {
        out.lost++;
        continue;
      }
      out.answered++;
      const key = r.nsid ?? '(none)';
      out.byNsid[key] = (out.byNsid[key] ?? 0) + 1;
      out.rcodes[r.rcode] = (out.rcodes[r.rcode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, runOne));
  return out;
}

/** A steady stream: `qps` queries per second spread round-robin over `sockets` sockets (distinct source ports). */
class Steady {
  constructor({ server, port = 53, name, type = 'A', qps = 500, sockets = 32, timeoutMs = 1000, maxMs = 20_000, bucketMs = 100 }) {
    this.server = server;
    this.port = port;
    this.qps = Math.min(MAX_QPS, qps);
    this.timeoutMs = timeoutMs;
    this.maxMs = Math.min(MAX_STEADY_MS, maxMs);
    this.bucketMs = bucketMs;
    this.name = name;
    this.type = type;
    this.pending = new Map(); // `${socket}:${id}` -> sent (Date.now())
    this.sent = 0;
    this.answered = 0;
    this.lost = 0;
    this.late = 0;
    this.byNsid = {};
    this.lostAt = [];
    this.buckets = new Map(); // bucket start -> { sent, lost, byNsid }
    this.maxMsSeen = 0;
    this.stalls = 0;
    this.maxStallMs = 0;
    this.socks = [];
    this.nextSock = 0;
    this.ids = [];
    this.done = null;
    for (let i = 0; i < sockets; i++) {
      const s = dgram.createSocket('udp4');
      const index = i;
      s.on('message', (buf) => this.onReply(index, buf));
      s.on('error', () => undefined);
      this.socks.push(s);
      this.ids.push((Math.random() * 0x10000) | 0);
    }
  }

  bucket(t) {
    const key = t - (t % this.bucketMs);
    let b = this.buckets.get(key);
    if (!b) {
      b = { t: key, sent: 0, lost: 0, byNsid: {} };
      this.buckets.set(key, b);
    }
    return b;
  }

  start() {
    this.t0 = Date.now();
    this.p0 = performance.now();
    this.tick = setInterval(() => this.sendDue(), 5);
    this.lastSweep = Date.now();
    this.sweep = setInterval(() => this.expire(false), 50);
    this.stopTimer = setTimeout(() => this.stop(), this.maxMs);
    return { startedAt: this.t0 };
  }

  sendDue() {
    const due = Math.floor(((performance.now() - this.p0) * this.qps) / 1000);
    while (this.sent < due) {
      const i = this.nextSock;
      this.nextSock = (i + 1) % this.socks.length;
      const id = (this.ids[i] = (this.ids[i] + 1) & 0xffff);
      const now = Date.now();
      this.pending.set(`${i}:${id}`, now);
      this.sent++;
      this.bucket(now).sent++;
      this.socks[i].send(encodeQuery(id, this.name, this.type), this.port, this.server);
    }
  }

  onReply(index, buf) {
    let r;
    try {
      r = readReply(buf);
    } catch {
      return;
    }
    const key = `${index}:${r.id}`;
    const sentAt = this.pending.get(key);
    if (sentAt === undefined) {
      this.late++; // answered after it was counted as lost (or a stray)
      return;
    }
    this.pending.delete(key);
    this.answered++;
    this.maxMsSeen = Math.max(this.maxMsSeen, Date.now() - sentAt);
    const nsid = r.nsid ?? '(none)';
    this.byNsid[nsid] = (this.byNsid[nsid] ?? 0) + 1;
    const b = this.bucket(sentAt);
    b.byNsid[nsid] = (b.byNsid[nsid] ?? 0) + 1;
  }

  /**
   * Counts as lost every query older than the timeout (all of them when final). If this process itself was stalled
   * (the host was busy), the sweep timer runs before the replies queued on the sockets are read: skip that sweep so
   * they are read first, and count the stall; a reply read then still counts as answered, with its measured latency.
   */
  expire(final) {
    const now = Date.now();
    const gap = now - (this.lastSweep ?? now);
    this.lastSweep = now;
    if (!final && gap > 200) {
      this.stalls++;
      this.maxStallMs = Math.max(this.maxStallMs, gap);
      return;
    }
    for (const [key, sentAt] of this.pending) {
      if (!final && now - sentAt < this.timeoutMs) continue;
      this.pending.delete(key);
      this.lost++;
      if (this.lostAt.length < 200) this.lostAt.push(sentAt);
      this.bucket(sentAt).lost++;
    }
  }

  stop() {
    if (this.done) return this.done;
    clearInterval(this.tick);
    clearTimeout(this.stopTimer);
    const stoppedAt = Date.now();
    // Give the last queries their full timeout before judging them.
    this.done = new Promise((resolve) =>
      setTimeout(() => {
        clearInterval(this.sweep);
        this.expire(true);
        for (const s of this.socks) s.close();
        resolve({
          startedAt: this.t0,
          stoppedAt,
          sent: this.sent,
          answered: this.answered,
          lost: this.lost,
          late: this.late,
          maxLatencyMs: this.maxMsSeen,
          clientStalls: this.stalls,
          maxClientStallMs: this.maxStallMs,
          byNsid: this.byNsid,
          lostAt: this.lostAt,
          buckets: [...this.buckets.values()].sort((a, b) => a.t - b.t),
        });
      }, this.timeoutMs + 50),
    );
    return this.done;
  }
}

let steady = null;

const ops = {
  http: httpRequest,
  query: queryOnce,
  probe,
  httpFlood,
  steadyStart(args) {
    if (steady && !steady.done) throw new Error('a steady stream is already running');
    steady = new Steady(args);
    return steady.start();
  },
  async steadyStop() {
    if (!steady) throw new Error('no steady stream');
    const s = steady;
    const result = await s.stop();
    steady = null;
    return result;
  },
};

const rl = readline.createInterface({ input: process.stdin });
const reply = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
rl.on('line', (line) => {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return;
  }
  const fn = ops[req.op];
  if (!fn) return reply({ id: req.id, ok: false, error: `unknown op ${req.op}` });
  Promise.resolve()
    .then(() => fn(req.args ?? {}))
    .then(
      (result) => reply({ id: req.id, ok: true, result }),
      (err) => reply({ id: req.id, ok: false, error: String(err?.message ?? err) }),
    );
});
rl.on('close', () => process.exit(0));
reply({ id: 0, ok: true, result: { ready: true, pid: process.pid } });
