// The native UDP path against the dgram path, two real servers: BIND's malformed corpus and seeded mutations, reply for reply.

import dgram from 'node:dgram';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery } from '../support/dns.js';
import { HOST, REPO_ROOT, type RunningServer, startServer, udpExchange } from '../support/server.js';
import { loadUdpBatchAddon, nativeUnavailableReason } from '../../../src/transport/udp-native.js';

/** ../shared beside the checkout, as in malformed-corpus.test.ts; MALFORMED_CORPUS points elsewhere (e.g. from a git worktree). */
const CORPUS = process.env.MALFORMED_CORPUS ?? resolve(REPO_ROOT, '../shared/data/bind-malformed-messages');
const corpusPresent = existsSync(CORPUS) && readdirSync(CORPUS).some((f) => f.endsWith('.pkt'));
const required = process.env.REQUIRE_E2E === '1';
const nativeBuilt = loadUdpBatchAddon() !== null;
const SEED = Number(process.env.NATIVE_FUZZ_SEED ?? 0x0dd5eed) >>> 0;
/** The issue asks for 1M; the time budget stops earlier on a slow machine, and the count reached is printed. */
const MUTATIONS = Number(process.env.NATIVE_FUZZ_PACKETS ?? 1_000_000);
const BUDGET_MS = Number(process.env.NATIVE_FUZZ_MS ?? 40_000);
const BURST = 256;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTINEL_ID = 0xffff;
const SENTINEL = buildQuery({ id: SENTINEL_ID, name: 'api.example.test', type: 'A' });

/**
 * A client socket that sends a burst and collects replies by message id. A valid query goes last: a server answers
 * one socket's datagrams in order, so its reply says every earlier one has been answered or dropped.
 */
class BurstClient {
  private readonly sock = dgram.createSocket('udp4');
  private replies = new Map<number, Buffer>();
  private waiting: (() => void) | null = null;
  readonly ready: Promise<void>;

  constructor() {
    this.sock.on('message', (m) => {
      if (m.length < 2) return;
      if (m.readUInt16BE(0) === SENTINEL_ID) this.waiting?.();
      else this.replies.set(m.readUInt16BE(0), m);
    });
    this.ready = new Promise((r) => this.sock.bind(0, HOST, () => {
      this.sock.setRecvBufferSize(4 * 1024 * 1024);
      r();
    }));
  }

  async burst(port: number, pkts: Buffer[]): Promise<Map<number, Buffer>> {
    this.replies = new Map();
    const done = new Promise<void>((r) => {
      this.waiting = r;
    });
    for (const p of pkts) this.sock.send(p, port, HOST);
    this.sock.send(SENTINEL, port, HOST);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    this.waiting = null;
    return this.replies;
  }

  close(): void {
    this.sock.close();
  }
}

function loadCorpus(): Buffer[] {
  return readdirSync(CORPUS).filter((f) => f.endsWith('.pkt')).sort().map((f) => readFileSync(join(CORPUS, f)));
}

const SEEDS = [
  buildQuery({ id: 1, name: 'api.example.test', type: 'A' }),
  buildQuery({ id: 1, name: 'nope.example.test', type: 'AAAA' }),
  buildQuery({ id: 1, name: 'example.test', type: 'SOA' }),
  buildQuery({ id: 1, name: 'mail.example.test', type: 'MX' }),
];

/** One mutation of a seed: flipped bytes, a cut, or junk appended; the id is then set to `id` so replies can be matched. */
function mutate(rand: () => number, base: Buffer, id: number): Buffer {
  let p = Buffer.from(base);
  const kind = Math.floor(rand() * 4);
  if (kind === 0 || kind === 3) {
    const flips = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < flips; i++) p[Math.floor(rand() * p.length)] = Math.floor(rand() * 256);
  }
  if (kind === 1) p = p.subarray(0, 2 + Math.floor(rand() * (p.length - 2)));
  if (kind === 2 || kind === 3) p = Buffer.concat([p, Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 24) }, () => Math.floor(rand() * 256)))]);
  if (p.length >= 2) p.writeUInt16BE(id, 0);
  return p;
}

const run = (corpusPresent && nativeBuilt) || required;
if (!run) {
  describe('native UDP path against dgram (corpus and mutations)', () => {
    const why = !nativeBuilt ? nativeUnavailableReason() : `corpus not found at ${CORPUS}`;
    it.skip(`skipped: ${why} (set REQUIRE_E2E=1 to make this a failure)`, () => undefined);
  });
}

describe.skipIf(!run)('native UDP path against dgram (corpus and mutations)', () => {
  let native: RunningServer;
  let plain: RunningServer;

  beforeAll(async () => {
    if (!nativeBuilt) throw new Error(`REQUIRE_E2E=1 but ${nativeUnavailableReason()}`);
    if (!corpusPresent) throw new Error(`REQUIRE_E2E=1 but the corpus is missing at ${CORPUS}`);
    [native, plain] = await Promise.all([startServer({ args: ['--udp-io', 'native'] }), startServer({ args: ['--udp-io', 'dgram'] })]);
  });

  afterAll(async () => {
    await Promise.all([native?.stop(), plain?.stop()]);
  });

  it('gives each corpus message the same reply (or the same silence) on both paths', async () => {
    const diffs: string[] = [];
    const corpus = loadCorpus();
    let next = 0;
    await Promise.all(Array.from({ length: 30 }, async () => {
      while (next < corpus.length) {
        const i = next++;
        const [a, b] = await Promise.all([udpExchange(plain.port, corpus[i], 500), udpExchange(native.port, corpus[i], 500)]);
        if ((a?.toString('hex') ?? null) !== (b?.toString('hex') ?? null)) diffs.push(`#${i}: dgram ${a?.toString('hex')} native ${b?.toString('hex')}`);
      }
    }));
    expect(native.alive(), native.logTail()).toBe(true);
    expect(diffs).toEqual([]);
  });

  it('answers seeded mutations in bursts like dgram, and survives them', async () => {
    const rand = prng(SEED);
    const corpus = loadCorpus();
    const bases = [...SEEDS, ...corpus.filter((p) => p.length >= 12)];
    const [toNative, toPlain] = [new BurstClient(), new BurstClient()];
    await Promise.all([toNative.ready, toPlain.ready]);
    const started = Date.now();
    let sent = 0;
    let answered = 0;
    const differ: string[] = [];
    const lost: Buffer[] = [];
    try {
      while (sent < MUTATIONS && Date.now() - started < BUDGET_MS) {
        const pkts = Array.from({ length: BURST }, (_, i) => mutate(rand, bases[Math.floor(rand() * bases.length)], i));
        const [a, b] = await Promise.all([toPlain.burst(plain.port, pkts), toNative.burst(native.port, pkts)]);
        sent += pkts.length;
        answered += b.size;
        for (let id = 0; id < BURST; id++) {
          const x = a.get(id);
          const y = b.get(id);
          if (x && y && !x.equals(y)) differ.push(`${pkts[id].toString('hex')}: dgram ${x.toString('hex')} native ${y.toString('hex')}`);
          else if ((x === undefined) !== (y === undefined)) lost.push(pkts[id]);
        }
        if (differ.length > 10) break;
      }
    } finally {
      toNative.close();
      toPlain.close();
    }
    // A reply on one path only may be a datagram lost under the burst: ask both again, one at a time.
    for (const pkt of lost.slice(0, 200)) {
      const x = await udpExchange(plain.port, pkt, 300);
      const y = await udpExchange(native.port, pkt, 300);
      if ((x?.toString('hex') ?? null) !== (y?.toString('hex') ?? null)) differ.push(`${pkt.toString('hex')}: dgram ${x?.toString('hex')} native ${y?.toString('hex')}`);
    }
    console.log(`native UDP mutations: ${sent} sent in ${Date.now() - started} ms (seed ${SEED}), ${answered} answered, ${lost.length} answered on one path only in the burst`);
    expect(native.alive(), native.logTail()).toBe(true);
    expect(differ).toEqual([]);
    expect(lost.length).toBeLessThanOrEqual(200);
    const probe = await udpExchange(native.port, buildQuery({ id: 7, name: 'api.example.test', type: 'A' }), 2000);
    expect(probe?.readUInt16BE(0)).toBe(7);
  });
});
