// DataWorkers with real cluster workers (a stand-in worker script): ready, reports, a blocked worker, restart, stop with SIGKILL.

import cluster from 'node:cluster';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataWorkers } from './workers.js';

/**
 * Speaks the worker side of ipc.ts like src/server/agent.ts does, with switches from the environment:
 * FAKE_IGNORE_STOP (a worker that will not stop) and FAKE_NEVER_READY.
 */
const WORKER = `
const busy = (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} };
process.on('message', (msg) => {
  if (msg.kind === 'report') process.send({ kind: 'report', seq: msg.seq, report: { pid: process.pid, queriesUdp: 1, queriesTcp: 0, rcodes: [], qtypes: {}, dropped: 0, truncated: 0, outcomes: {}, tcpConnections: 0, lag: { lagP99Ms: 0, lagMaxMs: 0, elu: 0, windowMs: 1, samples: 1 }, rssBytes: 1, heapUsedBytes: 1, zones: [], zoneLoadErrors: 0 } });
  if (msg.kind === 'reload') process.send({ kind: 'reloaded', seq: msg.seq });
  if (msg.kind === 'debug-block') busy(msg.ms);
  if (msg.kind === 'stop' && !process.env.FAKE_IGNORE_STOP) process.exit(0);
});
process.on('SIGTERM', () => undefined);
process.on('disconnect', () => process.exit(1));
setInterval(() => undefined, 1000);
if (!process.env.FAKE_NEVER_READY) process.send({ kind: 'ready', listening: ['127.0.0.1:0'] });
`;

const dir = mkdtempSync(join(tmpdir(), 'anycastd-workers-'));
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let current: DataWorkers | null = null;

beforeAll(() => {
  writeFileSync(join(dir, 'worker.cjs'), WORKER);
  cluster.setupPrimary({ exec: join(dir, 'worker.cjs'), args: [], silent: true });
});

afterEach(async () => {
  await current?.stop(200);
  current = null;
  delete process.env.FAKE_IGNORE_STOP;
  delete process.env.FAKE_NEVER_READY;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startWorkers(n: number): Promise<DataWorkers> {
  current = new DataWorkers(n, silent);
  await current.start();
  return current;
}

describe('DataWorkers', () => {
  it('starts every worker, then reports from each', async () => {
    const w = await startWorkers(2);
    expect(w.running).toBe(2);
    const replies = await w.reports(500);
    expect(replies.map((r) => r.id)).toEqual([0, 1]);
    expect(replies.every((r) => r.report !== null && r.report.pid === r.pid)).toBe(true);
  });

  it('reports a worker whose event loop is blocked as silent, within the timeout', async () => {
    const w = await startWorkers(2);
    w.broadcast({ kind: 'debug-block', ms: 1500 });
    const started = performance.now();
    const replies = await w.reports(200);
    // Well before the block ends: the timeout answers, not the worker.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(replies.map((r) => r.report === null)).toEqual([true, true]);
    expect(replies[0].error).toBe('did not answer within 200 ms (event loop blocked?)');
    await sleep(1500);
    // The late answers to the timed-out requests are dropped; the next round is whole again.
    expect((await w.reports(500)).every((r) => r.report !== null)).toBe(true);
  });

  it('restarts a worker that dies, after a backoff, and counts it', async () => {
    const w = await startWorkers(1);
    const first = (await w.reports(500))[0].pid!;
    process.kill(first, 'SIGKILL');
    await sleep(100);
    expect(w.running).toBe(0);
    expect((await w.reports(100))[0]).toMatchObject({ report: null, error: 'not running' });
    expect(w.restartsTotal).toBe(1);
    // First backoff: 500 ms.
    for (let i = 0; i < 40 && w.running === 0; i++) await sleep(50);
    expect(w.running).toBe(1);
    const second = (await w.reports(500))[0];
    expect(second.report).not.toBeNull();
    expect(second.pid).not.toBe(first);
  });

  it('reports a worker that is still starting as such, and does not count it as running', async () => {
    process.env.FAKE_NEVER_READY = '1';
    const w = new DataWorkers(1, silent);
    current = w;
    let started = false;
    void w.start().then(() => (started = true));
    await sleep(400);
    expect(started).toBe(false);
    expect(w.running).toBe(0);
    expect((await w.reports(100))[0]).toMatchObject({ report: null, error: 'starting' });
  });

  // start() must settle when stop() runs while a worker is still starting.
  it('settles start() when stop() runs while a worker is still starting', async () => {
    process.env.FAKE_NEVER_READY = '1';
    const w = new DataWorkers(1, silent);
    const start = w.start();
    await sleep(300);
    await w.stop(200);
    expect(await Promise.race([start.then(() => 'settled'), sleep(1000).then(() => 'pending')])).toBe('settled');
  });

  it('reload resolves once every worker has reloaded', async () => {
    const w = await startWorkers(2);
    await expect(w.reload()).resolves.toBeUndefined();
  });

  it('stop asks over IPC, and SIGKILLs a worker that ignores it after the grace time', async () => {
    process.env.FAKE_IGNORE_STOP = '1';
    const w = await startWorkers(1);
    const pid = (await w.reports(500))[0].pid!;
    const started = performance.now();
    await w.stop(300);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2000);
    expect(() => process.kill(pid, 0)).toThrow();
    // Stopped on purpose: no restart.
    await sleep(700);
    expect(w.running).toBe(0);
    expect(w.restartsTotal).toBe(0);
    current = null;
  });
});
