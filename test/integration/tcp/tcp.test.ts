// DNS over TCP (RFC 7766) against the real server: pipelining, framing, idle/slowloris timeouts, limits, isolation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE, TcpClient, answerAddresses, buildQuery, frame, replyProblems } from '../support/dns.js';
import { type RunningServer, startServer, udpExchange } from '../support/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Names in zones/example.test.zone with one A record each. */
const HOSTS: [string, string][] = [
  ['ns1.example.test', '192.0.2.1'],
  ['ns2.example.test', '192.0.2.2'],
  ['mail.example.test', '192.0.2.25'],
  ['sip.example.test', '192.0.2.40'],
  ['foo.apps.example.test', '192.0.2.50'],
  ['example.test', '192.0.2.10'],
];

async function connectAll(port: number, n: number, batch = 50): Promise<TcpClient[]> {
  const out: TcpClient[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from({ length: Math.min(batch, n - i) }, () => new TcpClient(port));
    await Promise.all(group.map((c) => c.connected));
    out.push(...group);
  }
  return out;
}

async function udpAnswersA(port: number, id: number): Promise<boolean> {
  const reply = await udpExchange(port, buildQuery({ id, name: 'mail.example.test' }), 2000);
  return reply !== null && reply.readUInt16BE(0) === id && answerAddresses(reply).includes('192.0.2.25');
}

describe('TCP with default limits', () => {
  let server: RunningServer;
  const clients: TcpClient[] = [];

  beforeAll(async () => {
    // A long idle timeout, so that the 500 idle connections below are not reaped while UDP is measured.
    server = await startServer({ args: ['--tcp-idle-ms', '60000'] });
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('answers 100 pipelined queries written in one go, matched by ID', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    const want = new Map<number, string>();
    const queries: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const id = 0x100 + i;
      const [name, addr] = HOSTS[i % HOSTS.length];
      want.set(id, addr);
      queries.push(frame(buildQuery({ id, name })));
    }
    c.socket.write(Buffer.concat(queries));
    expect(await c.waitReplies(100, 5000)).toBe(100);
    const got = new Map<number, string[]>();
    for (const r of c.replies) {
      const id = r.readUInt16BE(0);
      expect(got.has(id), `duplicate reply for ID ${id}`).toBe(false);
      got.set(id, answerAddresses(r));
    }
    for (const [id, addr] of want) expect(got.get(id), `ID ${id}`).toEqual([addr]);
    expect(c.closed).toBe(false);
  });

  it('answers a query that arrives one byte per write', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    const bytes = frame(buildQuery({ id: 0x4242, name: 'api.example.test' }));
    for (const b of bytes) {
      c.socket.write(Buffer.from([b]));
      await sleep(3); // separate segments (noDelay is on)
    }
    expect(await c.waitReplies(1, 2000)).toBe(1);
    expect(c.replies[0].readUInt16BE(0)).toBe(0x4242);
    expect(answerAddresses(c.replies[0]).sort()).toEqual(['192.0.2.30', '192.0.2.31']);
    // And a second query split across the length prefix keeps the framing right.
    const two = Buffer.concat([frame(buildQuery({ id: 1, name: 'ns1.example.test' })), frame(buildQuery({ id: 2, name: 'ns2.example.test' }))]);
    c.socket.write(two.subarray(0, 1));
    await sleep(20);
    c.socket.write(two.subarray(1, two.length - 5));
    await sleep(20);
    c.socket.write(two.subarray(two.length - 5));
    expect(await c.waitReplies(3, 2000)).toBe(3);
    expect(c.replies.slice(1).map((r) => answerAddresses(r)[0])).toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('answers every pipelined query even when the client half-closes right after writing them', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    c.socket.end(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(buildQuery({ id: 0x900 + i, name: 'ns2.example.test' })))));
    expect(await c.waitReplies(10, 3000)).toBe(10);
    expect(new Set(c.replies.map((r) => r.readUInt16BE(0))).size).toBe(10);
    expect(await c.waitClosed(2000), 'server did not close after the client half-closed').toBe(true);
  });

  it('keeps UDP p99 latency under 10 ms with 500 idle TCP connections open', { timeout: 60_000 }, async () => {
    const idle = await connectAll(server.port, 500);
    clients.push(...idle);
    await sleep(200);
    expect(idle.filter((c) => c.closed).length, 'idle connections closed early').toBe(0);
    // The server really holds them: one of the last ones gets an answer.
    const probe = idle[idle.length - 1];
    probe.send(buildQuery({ id: 0x5150, name: 'mail.example.test' }));
    expect(await probe.waitReplies(1, 2000)).toBe(1);

    for (let i = 0; i < 20; i++) await udpAnswersA(server.port, 0x6000 + i); // warm-up
    const times: number[] = [];
    let wrong = 0;
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      const ok = await udpAnswersA(server.port, 0x7000 + i);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!ok) wrong++;
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
    console.log(`UDP latency with 500 idle TCP connections: p50=${pct(50).toFixed(2)} ms p99=${pct(99).toFixed(2)} ms max=${times[times.length - 1].toFixed(2)} ms`);
    expect(wrong).toBe(0);
    expect(pct(99)).toBeLessThan(10);
    expect(idle.filter((c) => c.closed).length).toBe(0);
    for (const c of idle) c.destroy();
  });

  it('does not buffer without bound for a client that writes queries and never reads', { timeout: 60_000 }, async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    c.socket.pause(); // never read: replies pile up in the kernel, then in the server
    const rssBefore = server.rssKiB();
    // ANY at the apex: a reply several times the size of the query.
    const chunk = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(buildQuery({ id: i, name: 'example.test', type: 'ANY' }))));
    const started = Date.now();
    let written = 0;
    let maxRss = rssBefore;
    let stalled = false;
    // Bounded: at most 64 MiB of queries or 20 s.
    while (written < 64 * 1024 * 1024 && Date.now() - started < 20_000 && !c.closed) {
      written += chunk.length;
      if (!c.socket.write(chunk)) {
        const drained = await Promise.race([new Promise<boolean>((ok) => c.socket.once('drain', () => ok(true))), sleep(2000).then(() => false), c.closedPromise.then(() => false)]);
        if (!drained && !c.closed) {
          stalled = true; // the server stopped reading from us
          break;
        }
      }
      maxRss = Math.max(maxRss, server.rssKiB());
    }
    await sleep(500);
    maxRss = Math.max(maxRss, server.rssKiB());
    console.log(
      `never-reading client: wrote ${(written / 1048576).toFixed(1)} MiB in ${Date.now() - started} ms; ` +
        `${c.closed ? 'dropped by the server' : stalled ? 'server stopped reading' : 'neither'}; RSS ${rssBefore} -> max ${maxRss} KiB`,
    );
    expect(c.closed || stalled, 'the server kept reading 64 MiB from a client that never reads').toBe(true);
    expect(maxRss - rssBefore, 'server RSS grew by more than 64 MiB').toBeLessThan(64 * 1024);
    c.destroy();
    expect(server.alive(), server.logTail()).toBe(true);
    expect(await udpAnswersA(server.port, 0x1234)).toBe(true);
    const fresh = new TcpClient(server.port);
    clients.push(fresh);
    await fresh.connected;
    fresh.send(buildQuery({ id: 0x4321, name: 'mail.example.test' }));
    expect(await fresh.waitReplies(1, 2000)).toBe(1);
  });
});

describe('TCP idle timeout and per-connection query cap', () => {
  let server: RunningServer;
  const clients: TcpClient[] = [];

  beforeAll(async () => {
    server = await startServer({ args: ['--tcp-idle-ms', '500', '--tcp-max-queries', '5'] });
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('closes an idle connection after about --tcp-idle-ms', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    const t0 = Date.now();
    expect(await c.waitClosed(3000), 'idle connection still open after 3 s').toBe(true);
    const ms = c.closedAt - t0;
    console.log(`idle connection closed after ${ms} ms`);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThanOrEqual(2000);
  });

  it('closes a connection that goes idle after a query', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    c.send(buildQuery({ id: 9, name: 'ns1.example.test' }));
    expect(await c.waitReplies(1, 2000)).toBe(1);
    const t0 = Date.now();
    expect(await c.waitClosed(3000)).toBe(true);
    expect(c.closedAt - t0).toBeLessThanOrEqual(2000);
  });

  it('closes a slowloris client dribbling one byte every 100 ms', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    const t0 = Date.now();
    // A length prefix of 300 and then filler: the message is never complete within this loop (at most 50 bytes, 5 s).
    const bytes = Buffer.concat([Buffer.from([0x01, 0x2c]), Buffer.alloc(48, 0x41)]);
    for (let i = 0; i < bytes.length && !c.closed && Date.now() - t0 < 5000; i++) {
      c.socket.write(bytes.subarray(i, i + 1));
      await sleep(100);
    }
    expect(await c.waitClosed(500), 'slowloris connection still open').toBe(true);
    const ms = c.closedAt - t0;
    console.log(`slowloris connection closed after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(2000);
  });

  it('closes the connection after 5 answers (--tcp-max-queries 5), one query at a time', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    for (let i = 1; i <= 5; i++) {
      c.send(buildQuery({ id: i, name: 'mail.example.test' }));
      expect(await c.waitReplies(i, 2000)).toBe(i);
    }
    expect(c.replies.map((r) => r.readUInt16BE(0))).toEqual([1, 2, 3, 4, 5]);
    expect(await c.waitClosed(400), 'connection still open after its 5th answer').toBe(true);
  });

  it('at the cap, answers all 8 pipelined queries it has read, then closes', async () => {
    const c = new TcpClient(server.port);
    clients.push(c);
    await c.connected;
    // One small write on loopback arrives as one read: all 8 are read before the 5th answer reaches the cap.
    c.socket.write(Buffer.concat(Array.from({ length: 8 }, (_, i) => frame(buildQuery({ id: 0x80 + i, name: 'sip.example.test' })))));
    expect(await c.waitClosed(2000)).toBe(true);
    expect(c.replies.map((r) => r.readUInt16BE(0))).toEqual(Array.from({ length: 8 }, (_, i) => 0x80 + i));
    for (const r of c.replies) expect(replyProblems(buildQuery({ id: r.readUInt16BE(0), name: 'sip.example.test' }), r, [RCODE.NOERROR])).toEqual([]);
  });
});

describe('TCP connection cap (--tcp-max-connections 10)', () => {
  let server: RunningServer;
  const clients: TcpClient[] = [];

  beforeAll(async () => {
    server = await startServer({ args: ['--tcp-max-connections', '10', '--tcp-idle-ms', '30000'] });
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('refuses or closes the 11th connection and keeps serving UDP and the first 10', async () => {
    const ten = await connectAll(server.port, 10);
    clients.push(...ten);
    ten.forEach((c, i) => c.send(buildQuery({ id: 0x300 + i, name: 'ns2.example.test' })));
    for (const c of ten) expect(await c.waitReplies(1, 2000)).toBe(1);

    const eleventh = new TcpClient(server.port);
    clients.push(eleventh);
    try {
      await eleventh.connected;
      eleventh.send(buildQuery({ id: 0x399, name: 'ns2.example.test' }));
    } catch {
      // refused outright: fine
    }
    expect(await eleventh.waitClosed(2000), '11th connection neither refused nor closed').toBe(true);
    expect(eleventh.replies.length, '11th connection was served').toBe(0);

    expect(await udpAnswersA(server.port, 0x3aa)).toBe(true);
    expect(ten.filter((c) => c.closed).length).toBe(0);
    ten[0].send(buildQuery({ id: 0x3ab, name: 'ns1.example.test' }));
    expect(await ten[0].waitReplies(2, 2000)).toBe(2);

    // A freed slot can be used again.
    ten[9].destroy();
    await ten[9].waitClosed(1000);
    await sleep(100);
    const again = new TcpClient(server.port);
    clients.push(again);
    await again.connected;
    again.send(buildQuery({ id: 0x3ac, name: 'mail.example.test' }));
    expect(await again.waitReplies(1, 2000)).toBe(1);
    expect(server.alive(), server.logTail()).toBe(true);
  });
});
