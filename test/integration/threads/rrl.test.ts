// Thread mode with RRL: the data threads charge one table in shared memory, so a flood is held to the node-wide rate
// whichever thread each packet reaches, and the counters of all threads add up to what the clients saw.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, freePort, startServer } from '../support/server.js';
import { Client, flood, query, sleep } from '../abuse/flood.js';
import { pickDataPathMode } from '../../../src/control/data-path.js';

const threadsHere = pickDataPathMode('auto') === 'threads';
const RATE = 20;
const SECONDS = 2;
const NAME = 'api.example.test';

describe.skipIf(!threadsHere)('thread mode: RRL on one shared table', () => {
  let server: RunningServer;
  let http: number;
  beforeAll(async () => {
    http = await freePort();
    server = await startServer({ args: ['--worker-mode', 'threads', '--workers', '2', '--rrl-rate', String(RATE), '--rrl-slip', '2', '--http', `127.0.0.1:${http}`, '--check-interval', '200'] });
  }, 30_000);
  afterAll(() => server?.stop());

  it('holds a flood from one /24 to the node-wide rate across both threads, and counts every limited answer once', async () => {
    expect(server.logTail(200)).toMatch(/data path: threads in one process/);
    // 16 sockets: reusePort spreads their flows over both threads.
    const attackers = await Promise.all(Array.from({ length: 16 }, (_, i) => Client.open(`127.6.6.${i + 1}`, server.port)));
    await flood(attackers, (i) => query(i & 0xffff, NAME), RATE * 20, SECONDS);
    const sum = attackers.reduce((t, c) => ({ sent: t.sent + c.tally.sent, full: t.full + c.tally.full, slipped: t.slipped + c.tally.slipped }), { sent: 0, full: 0, slipped: 0 });
    console.log(`threads, --workers 2, flood of ${sum.sent} over ${SECONDS} s: ${JSON.stringify(sum)}`);
    // One second of burst credit, then the rate, node-wide: a table per thread would let up to twice this through.
    expect(sum.full).toBeLessThanOrEqual(RATE * (SECONDS + 1) + 5);
    expect(sum.full).toBeGreaterThanOrEqual(RATE * SECONDS * 0.5);
    await sleep(600); // a control-plane round collects the threads' counters
    const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    const slipped = Number(/anycastd_rrl_responses_total\{action="slipped"\} (\d+)/.exec(metrics)?.[1]);
    const dropped = Number(/anycastd_rrl_responses_total\{action="dropped"\} (\d+)/.exec(metrics)?.[1]);
    expect(slipped).toBe(sum.slipped);
    expect(slipped + dropped).toBe(sum.sent - sum.full);
    const status = JSON.parse(await (await fetch(`http://127.0.0.1:${http}/status`)).text());
    expect(status.abuse.rrl).toMatchObject({ rate: RATE, ratePerWorker: RATE, sharedTable: true });
    for (const c of attackers) c.close();
  }, 30_000);
});
