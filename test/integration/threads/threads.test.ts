// Thread mode (Node >= 22.12): a blocked thread withdraws, a crashed thread restarts while queries flow, 1000 reloads lose nothing.

import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { nodeHasReusePort } from '../../../src/control/data-path.js';
import { buildQuery, rcodeOf } from '../support/dns.js';
import { type Service, metric, startThreads } from './support.js';
import { udpExchange } from '../support/server.js';
import { sleep, until } from '../support/wait.js';

// Thread mode needs reusePort (Node >= 22.12); CI runs this file again under Node 22 (`npm run test:node22`).
const threadsHere = nodeHasReusePort();
if (!threadsHere) console.log(`thread-mode tests skipped: Node ${process.versions.node} has no reusePort; \`npm run test:node22\` runs them`);

let service: Service | null = null;
afterEach(async () => {
  await service?.stop();
  service = null;
});

const stateOf = (m: string) => /anycastd_health_state\{state="(\w+)"\} 1/.exec(m)?.[1];

describe.skipIf(!threadsHere)('serve --worker-mode threads', () => {
  it('a blocked thread misses its report: the node withdraws, and comes back after', async () => {
    const birdDir = mkdtempSync(join(tmpdir(), 'anycastd-threads-bird-'));
    const include = join(birdDir, 'anycast.conf');
    const s = (service = await startThreads([
      '--workers', '2', '--check-interval', '200', '--rise', '1', '--fall', '2', '--hold-down', '0',
      '--anycast', '192.0.2.1/32', '--bird-include', include, '--bird-socket', join(birdDir, 'no-bird.ctl'),
    ]));
    const announced = () => readFileSync(include, 'utf8').match(/define ANYCASTD_ANNOUNCE = (\d)/)?.[1];
    await until('state up and announced', async () => stateOf(await s.http('/metrics')) === 'up' && announced() === '1');
    const t0 = Date.now();
    expect(await s.control('debug-block', { ms: 3000, worker: 1 })).toEqual({ kind: 'debug-block', ms: 3000, worker: 1 });
    await until('withdrawn', async () => announced() === '0', 3000);
    const withdrawMs = Date.now() - t0;
    const status = JSON.parse(await s.http('/status'));
    const silent = status.workers.find((w: { id: number }) => w.id === 1);
    console.log(`blocked thread 1: withdrawn after ${withdrawMs} ms; /status worker 1: ${JSON.stringify(silent)}`);
    // The state may already be up again on a slow machine (hold-down 0): the log keeps the transition and its cause.
    expect(s.log()).toMatch(/health: up -> down/);
    expect(s.log()).toMatch(/worker 1 .*did not answer/);
    await until('announced again after the block', async () => announced() === '1', 10_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    rmSync(birdDir, { recursive: true, force: true });
  }, 60_000);

  it('a thread that stays blocked past --hung-restart-ms is replaced; the process and the other thread live on', async () => {
    const s = (service = await startThreads(['--workers', '2', '--check-interval', '200', '--hung-restart-ms', '1500']));
    await until('two threads running', async () => metric(await s.http('/metrics'), 'anycastd_workers_running') === 2);
    const pid = s.dataPid();
    const t0 = Date.now();
    await s.control('debug-block', { ms: 60_000, worker: 1 });
    await until('the hung thread replaced', async () => metric(await s.http('/metrics'), 'anycastd_workers_restarts_total') === 1 && metric(await s.http('/metrics'), 'anycastd_workers_running') === 2, 15_000);
    const replacedMs = Date.now() - t0;
    console.log(`thread blocked for 60 s: replaced after ${replacedMs} ms`);
    expect(replacedMs).toBeLessThan(15_000);
    expect(s.log()).toMatch(/data thread hung \(no report\); replacing it/);
    expect(s.dataPid(), 'only the thread was replaced').toBe(pid);
    for (let i = 0; i < 50; i++) expect(rcodeOf((await udpExchange(s.port, buildQuery({ id: i, name: 'example.test', type: 'SOA' })))!)).toBe(0);
  }, 60_000);

  it('a crashed thread is restarted while every query is answered', async () => {
    const s = (service = await startThreads(['--workers', '2', '--check-interval', '200']));
    await until('two threads running', async () => metric(await s.http('/metrics'), 'anycastd_workers_running') === 2);
    const pid = s.dataPid();
    expect(await s.control('debug-crash', { worker: 0 })).toEqual({ kind: 'debug-crash', worker: 0 });
    // Datagrams already queued in the dying thread's own socket die with it (reusePort: each thread has its
    // own queue; README). From the moment its death is seen, through the restart, every query is answered.
    await until('the thread death seen', async () => /data worker exited; restarting/.test(s.log()), 5000);
    // A fresh socket per query: new source ports, so the kernel spreads them over the threads' sockets.
    let answered = 0;
    let sent = 0;
    let restartedAt = -1;
    while (sent < 5000 && (restartedAt < 0 || sent < restartedAt + 300)) {
      const reply = await udpExchange(s.port, buildQuery({ id: sent & 0xffff, name: 'example.test', type: 'SOA' }));
      sent++;
      if (reply && rcodeOf(reply) === 0) answered++;
      if (restartedAt < 0 && sent % 20 === 0) {
        const m = await s.http('/metrics');
        if (metric(m, 'anycastd_workers_restarts_total') === 1 && metric(m, 'anycastd_workers_running') === 2) restartedAt = sent;
      }
    }
    console.log(`crashed thread: ${sent} queries across the restart (back after ${restartedAt}), ${answered} answered`);
    expect(restartedAt).toBeGreaterThan(0);
    expect(answered).toBe(sent);
    expect(s.dataPid(), 'the process lives on; only the thread was replaced').toBe(pid);
    expect(s.log()).toMatch(/data worker exited; restarting/);
    for (let i = 0; i < 100; i++) expect(rcodeOf((await udpExchange(s.port, buildQuery({ id: i, name: 'example.test', type: 'SOA' })))!)).toBe(0);
  }, 60_000);

  it('1000 reloads under load: no query lost, no answer mixes two versions, old zones freed', async () => {
    const RELOADS = 1000;
    const FILLER = 1500;
    const filler = Array.from({ length: FILLER }, (_, i) => `h${i} A 192.0.2.${i % 250}\n`).join('');
    // The CNAME target's name changes with each version: an answer that mixed two versions would not chain.
    const zoneText = (serial: number) =>
      `$ORIGIN reload.test.\n$TTL 60\n@ SOA ns1 host ${serial} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\nc CNAME v${serial}\nv${serial} TXT "${serial}"\n${filler}`;
    const s = (service = await startThreads(['--workers', '2', '--check-interval', '500', '--zones-debounce-ms', '100000'], ''));
    const file = join(s.dir, 'reload.test.zone');
    const write = (serial: number) => {
      writeFileSync(`${file}.tmp`, zoneText(serial));
      renameSync(`${file}.tmp`, file);
    };
    await until('two threads running', async () => metric(await s.http('/metrics'), 'anycastd_workers_running') === 2);
    write(1);
    process.kill(s.proc.pid!, 'SIGHUP');
    const ask = (id: number) => dnsPacket.encode({ type: 'query', id, questions: [{ name: 'c.reload.test', type: 'TXT' }] });
    type Res = { id: number; rcode: string; answers: { type: string; name: string; data: unknown }[] };
    const versionOf = (msg: Buffer): number => {
      const res = dnsPacket.decode(msg) as unknown as Res;
      const [cname, txt] = res.answers;
      if (res.rcode !== 'NOERROR' || cname?.type !== 'CNAME' || txt?.type !== 'TXT') return -1;
      const serial = Number(Buffer.from((txt.data as Buffer[])[0]).toString());
      return cname.data === `v${serial}.reload.test` && txt.name === cname.data ? serial : -1;
    };
    await until('version 1 served', async () => {
      const r = await udpExchange(s.port, ask(1), 300);
      return r !== null && versionOf(r) === 1;
    });

    // Load: 4 client sockets (4 flows, spread over both threads), 2 queries each every 2 ms (4000 qps), at most 2M queries.
    const clients = await Promise.all(
      [0, 1, 2, 3].map(() => new Promise<dgram.Socket>((ok) => {
        const c = dgram.createSocket('udp4');
        c.bind(0, '127.0.0.1', () => ok(c));
      })),
    );
    const pending = new Set<number>();
    let sent = 0;
    let answered = 0;
    let wrong = 0;
    let newest = 0;
    clients.forEach((c, k) =>
      c.on('message', (msg) => {
        const id = msg.readUInt16BE(0) + k * 65536;
        if (!pending.delete(id)) return;
        answered++;
        const v = versionOf(msg);
        if (v < 1) wrong++;
        newest = Math.max(newest, v);
      }),
    );
    let seq = 0;
    const load = setInterval(() => {
      for (let k = 0; k < clients.length; k++) {
        for (let j = 0; j < 2 && sent < 2_000_000; j++) {
          const id = ++seq & 0xffff;
          if (pending.has(id + k * 65536)) continue; // 16-bit ids wrap; never reuse one still in flight
          pending.add(id + k * 65536);
          sent++;
          clients[k].send(ask(id), s.port, '127.0.0.1');
        }
      }
    }, 2);

    const pid = s.dataPid();
    let rssWarm = 0;
    const started = Date.now();
    for (let serial = 2; serial <= RELOADS + 1; serial++) {
      write(serial);
      process.kill(s.proc.pid!, 'SIGHUP');
      // Wait until one thread serves the new version; the other swaps at its next turn.
      const end = Date.now() + 10_000;
      for (;;) {
        const r = await udpExchange(s.port, ask(2), 300);
        if (r !== null && versionOf(r) >= serial) break;
        if (Date.now() > end) throw new Error(`serial ${serial} not served within 10 s`);
        await sleep(2);
      }
      if (serial === 100) rssWarm = s.rssKiB(pid);
    }
    // The probe saw the last version on one thread; the load's flows may sit on another, which swaps at its next
    // turn. Keep the load going (bounded) until it sees the last version too.
    const lastSeen = Date.now() + 5000;
    while (newest < RELOADS + 1 && Date.now() < lastSeen) await sleep(10);
    clearInterval(load);
    const deadline = Date.now() + 3000;
    while (pending.size > 0 && Date.now() < deadline) await sleep(20);
    for (const c of clients) c.close();
    await sleep(1500);
    const rssEnd = s.rssKiB(pid);
    const seconds = (Date.now() - started) / 1000;
    console.log(`threads: ${RELOADS} reloads in ${seconds.toFixed(1)} s; ${sent} queries, ${answered} answered, ${pending.size} lost, ${wrong} wrong; data process RSS ${(rssWarm / 1024).toFixed(1)} MiB at reload 100 -> ${(rssEnd / 1024).toFixed(1)} MiB at ${RELOADS}`);
    expect(pending.size).toBe(0);
    expect(wrong).toBe(0);
    expect(answered).toBe(sent);
    expect(newest).toBe(RELOADS + 1);
    // Each version of this zone is ~140 KB of arrays (names, nodes, RRsets, hash table): keeping the 900 old ones would add ~120 MB.
    expect(rssEnd - rssWarm).toBeLessThan(30 * 1024);
  }, 600_000); // ~60 s on an idle 2-core machine; far longer when it is shared
});
