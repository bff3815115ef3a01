// --hung-restart-ms with worker processes: a worker whose event loop stays blocked is killed and forked again; the
// other worker answers meanwhile. (Thread mode's equivalent is in test/integration/threads/threads.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, freePort, startServer, udpExchange } from '../support/server.js';
import { buildQuery, rcodeOf } from '../support/dns.js';
import { until } from '../support/wait.js';
import { metric } from '../support/metrics.js';
import { controlCall } from '../../../src/control/control-client.js';


describe('a hung worker process is restarted', () => {
  let server: RunningServer;
  let httpPort: number;
  const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  beforeAll(async () => {
    httpPort = await freePort();
    server = await startServer({
      args: ['--worker-mode', 'processes', '--workers', '2', '--hung-restart-ms', '1500', '--check-interval', '200', '--debug-endpoints', '--http', `127.0.0.1:${httpPort}`],
    });
    await until('two workers running', async () => metric(await metrics(), 'anycastd_workers_running') === 2);
  }, 30_000);
  afterAll(() => server?.stop());

  it('kills a worker blocked past the limit and forks it again, answering throughout', async () => {
    const t0 = Date.now();
    await controlCall(server.controlSocket, 'debug-block', { ms: 60_000, worker: 1 });
    await until('the hung worker replaced', async () => {
      const m = await metrics();
      return metric(m, 'anycastd_workers_restarts_total') === 1 && metric(m, 'anycastd_workers_running') === 2;
    }, 15_000);
    console.log(`worker process blocked for 60 s: replaced after ${Date.now() - t0} ms`);
    expect(server.logTail(100)).toMatch(/data worker hung \(no report\); killing it, it restarts/);
    for (let i = 0; i < 50; i++) expect(rcodeOf((await udpExchange(server.port, buildQuery({ id: i, name: 'example.test', type: 'SOA' })))!)).toBe(0);
  }, 30_000);
});
