// RRL and cookies against a real `anycastd serve` on loopback: a flood from one /24, an innocent /24, TCP, cookies, 2 workers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, freePort, startServer } from '../support/server.js';
import { Client, flood, query, replyCookie, sleep, tcpAsk } from './flood.js';

const RATE = 20;
const SECONDS = 2;
const SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const NAME = 'api.example.test';

/** Full answers a bucket may pass in `seconds`: one second of burst credit, then the rate; plus a little timer slack. */
const ceiling = (seconds: number) => RATE * (seconds + 1) + 5;

async function fetchText(port: number, path: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return r.text();
}

describe('RRL and cookies on one worker', () => {
  let server: RunningServer;
  let http: number;
  beforeAll(async () => {
    http = await freePort();
    server = await startServer({ args: ['--rrl-rate', String(RATE), '--rrl-slip', '2', '--cookie-secret', SECRET, '--http', `127.0.0.1:${http}`, '--check-interval', '200'] });
  }, 30_000);
  afterAll(() => server?.stop());

  it('holds a 20x flood from one /24 to the rate, slips half the rest, and spares the innocent, TCP and cookie clients', async () => {
    // The cookie client learns its server cookie before the flood, from the flooding /24.
    const cookieClient = await Client.open('127.1.1.200', server.port);
    const first = await cookieClient.ask(query(1, NAME, Buffer.from('0102030405060708', 'hex')));
    const cookie = replyCookie(first!);
    expect(cookie?.length).toBe(24);

    const attackers = await Promise.all(['127.1.1.1', '127.1.1.2', '127.1.1.3', '127.1.1.4'].map((a) => Client.open(a, server.port)));
    const innocent = await Client.open('127.2.2.1', server.port);
    const tcpReplies: (Buffer | null)[] = [];
    const tcpPending: Promise<void>[] = [];
    await flood(attackers, (i) => query(i & 0xffff, NAME), RATE * 20, SECONDS, (tick) => {
      if (tick % 20 === 0) innocent.send(query(tick, NAME)); // 5 per second, below the rate
      if (tick % 10 === 5) cookieClient.send(query(tick, NAME, cookie)); // 10 per second, on top of the flood
      if (tick === 100) tcpPending.push(tcpAsk('127.1.1.5', server.port, query(9, NAME)).then((r) => void tcpReplies.push(r)));
    });
    await Promise.all(tcpPending);

    const sum = attackers.reduce((t, c) => ({ sent: t.sent + c.tally.sent, full: t.full + c.tally.full, slipped: t.slipped + c.tally.slipped }), { sent: 0, full: 0, slipped: 0 });
    expect(sum.sent).toBe(RATE * 20 * SECONDS);
    expect(sum.full).toBeLessThanOrEqual(ceiling(SECONDS));
    expect(sum.full).toBeGreaterThanOrEqual(RATE * SECONDS * 0.5);
    const limited = sum.sent - sum.full;
    console.log(`flood from one /24: ${JSON.stringify(sum)}; innocent ${JSON.stringify(innocent.tally)}; cookie client ${JSON.stringify(cookieClient.tally)}`);
    expect(Math.abs(sum.slipped - limited / 2)).toBeLessThanOrEqual(limited * 0.05 + 5);

    expect(innocent.tally).toEqual({ sent: innocent.tally.sent, full: innocent.tally.sent, slipped: 0 });
    expect(cookieClient.tally.full).toBe(cookieClient.tally.sent); // the first query, then 20 during the flood
    expect(cookieClient.tally.sent).toBeGreaterThan(RATE);
    expect(tcpReplies).toHaveLength(1);
    expect(tcpReplies[0]![2] & 0x02).toBe(0);
    expect(tcpReplies[0]!.readUInt16BE(6)).toBe(2); // api has two A records

    // The flooding prefix is still limited for other names' answers? No: a different name is another bucket.
    const other = await attackers[0].ask(query(77, 'ns1.example.test'));
    expect(other![2] & 0x02).toBe(0);

    await sleep(500); // a control-plane round collects the worker counters
    const metrics = await fetchText(http, '/metrics');
    const dropped = Number(/anycastd_rrl_responses_total\{action="dropped"\} (\d+)/.exec(metrics)?.[1]);
    const slipped = Number(/anycastd_rrl_responses_total\{action="slipped"\} (\d+)/.exec(metrics)?.[1]);
    expect(slipped).toBe(sum.slipped);
    expect(dropped).toBe(limited - sum.slipped);
    expect(Number(/anycastd_cookies_total\{result="valid"\} (\d+)/.exec(metrics)?.[1])).toBe(cookieClient.tally.sent - 1);
    expect(Number(/^anycastd_rrl_table_fill_ratio (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const status = await fetchText(http, '/status');
    expect(JSON.parse(status).abuse.rrl).toMatchObject({ rate: RATE, slip: 2, ipv4Prefix: 24, ipv6Prefix: 56, dryRun: false });
    for (const text of [metrics, status, server.logTail(200)]) expect(text.toLowerCase()).not.toContain(SECRET);

    for (const c of [...attackers, innocent, cookieClient]) c.close();
  }, 30_000);

  it('answers a malformed COOKIE option with FORMERR', async () => {
    const c = await Client.open('127.3.3.1', server.port);
    const reply = await c.ask(query(5, NAME, Buffer.alloc(9, 1)));
    expect(reply![3] & 0xf).toBe(1);
    c.close();
  });
});

describe('RRL with --workers 2', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ args: ['--rrl-rate', String(RATE), '--workers', '2'] });
  }, 30_000);
  afterAll(() => server?.stop());

  it('holds the same node-wide limit', async () => {
    const attackers = await Promise.all(['127.4.4.1', '127.4.4.2', '127.4.4.3', '127.4.4.4'].map((a) => Client.open(a, server.port)));
    await flood(attackers, (i) => query(i & 0xffff, NAME), RATE * 20, SECONDS);
    const full = attackers.reduce((n, c) => n + c.tally.full, 0);
    console.log(`--workers 2, flood of ${RATE * 20 * SECONDS} over ${SECONDS} s: ${full} full answers`);
    expect(full).toBeLessThanOrEqual(ceiling(SECONDS));
    // Each worker passes rate/2: however the kernel spreads the flood, at least one worker's share gets through.
    expect(full).toBeGreaterThanOrEqual((RATE / 2) * SECONDS * 0.5);
    for (const c of attackers) c.close();
  }, 30_000);
});

describe('RRL with --rrl-dry-run', () => {
  let server: RunningServer;
  let http: number;
  beforeAll(async () => {
    http = await freePort();
    server = await startServer({ args: ['--rrl-rate', String(RATE), '--rrl-dry-run', '--http', `127.0.0.1:${http}`, '--check-interval', '200'] });
  }, 30_000);
  afterAll(() => server?.stop());

  it('answers the whole flood and counts what it would have limited', async () => {
    const attacker = await Client.open('127.5.5.1', server.port);
    await flood([attacker], (i) => query(i & 0xffff, NAME), RATE * 10, 1);
    expect(attacker.tally.full).toBe(attacker.tally.sent);
    await sleep(500);
    const metrics = await fetchText(http, '/metrics');
    const dryRun = Number(/^anycastd_rrl_responses_total\{action="dry_run"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(dryRun).toBeGreaterThanOrEqual(attacker.tally.sent - ceiling(1));
    expect(Number(/^anycastd_rrl_responses_total\{action="dropped"\} (\d+)$/m.exec(metrics)?.[1])).toBe(0);
    attacker.close();
  }, 20_000);
});
