// serve as operators run it: several data-path workers, a worker killed and restarted, IPv6 listeners, /status and /metrics.
// Node 20 runs cluster processes, Node >= 22.12 threads (`npm run test:node22`): both modes pass the same checks.

import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, freePort, udpExchange } from '../support/server.js';
import { until } from '../support/wait.js';
import { TcpClient, answerAddresses, buildQuery, rcodeOf } from '../support/dns.js';
import { loadUdpBatchAddon } from '../../../src/transport/udp-native.js';
import { nodeHasReusePort } from '../../../src/control/data-path.js';
import { controlCall } from '../../../src/control/control-client.js';

import { metric } from '../support/metrics.js';

const threads = nodeHasReusePort();

/**
 * A process reaped by its parent. Not merely a zombie: the main thread turns zombie while other threads may still
 * be exiting and holding the descriptor table, and so the sockets, open.
 */
function gone(pid: number): boolean {
  return !existsSync(`/proc/${pid}`);
}

// Both UDP paths; native only where the addon is built (CI builds it; REQUIRE_E2E makes a missing one fail elsewhere).
const paths = loadUdpBatchAddon() !== null || process.env.REQUIRE_E2E === '1' ? ['dgram', 'native'] : ['dgram'];

describe.each(paths)(`serve with 2 workers (${threads ? 'threads' : 'processes'}) on IPv4 and IPv6 (--udp-io %s)`, (udpIo) => {
  let dir: string;
  let port: number;
  let httpPort: number;
  let proc: ReturnType<typeof spawn>;
  let log = '';

  const http = (path: string) => fetch(`http://127.0.0.1:${httpPort}${path}`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text());
  const controlSocket = join(mkdtempSync(join(tmpdir(), 'anycastd-workers-run-')), 'control.sock');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-workers-'));
    copyFileSync(join(REPO_ROOT, 'zones/example.test.zone'), join(dir, 'example.test.zone'));
    port = await freePort();
    httpPort = await freePort();
    proc = spawn(process.execPath, [
      CLI, 'serve', '--zones', dir, '--listen', `127.0.0.1:${port}`, '--listen', `[::1]:${port}`, '--workers', '2',
      '--http', `127.0.0.1:${httpPort}`, '--check-interval', '200', '--nsid', 'w', '--debug-endpoints', '--udp-io', udpIo,
      '--control-socket', controlSocket,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    await until('two workers running and state up', async () => {
      const m = await http('/metrics');
      return metric(m, 'anycastd_workers_running') === 2 && /anycastd_health_state\{state="up"\} 1/.test(m);
    });
  }, 30_000);

  afterAll(async () => {
    proc?.kill('SIGTERM');
    await new Promise((r) => proc?.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers correctly over UDP and TCP on 127.0.0.1 and ::1', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      let answered = 0;
      for (let i = 0; i < 200; i++) {
        const reply = await udpExchange(port, buildQuery({ id: i, name: 'www.example.test', type: 'A' }), 1000, host);
        if (reply && rcodeOf(reply) === 0 && answerAddresses(reply).includes('192.0.2.10')) answered++;
      }
      expect(answered, `UDP on ${host}`).toBe(200);
      const tcp = new TcpClient(port, host);
      await tcp.connected;
      for (let i = 0; i < 50; i++) tcp.send(buildQuery({ id: 1000 + i, name: 'api.example.test', type: 'A' }));
      await until('50 TCP answers', async () => tcp.replies.length === 50, 5000);
      expect(tcp.replies.every((r) => answerAddresses(r).sort().join() === '192.0.2.30,192.0.2.31')).toBe(true);
      tcp.socket.destroy();
    }
  });

  it('keeps answering when a worker is killed, and restarts it', async () => {
    const children = execFileSync('pgrep', ['-P', String(proc.pid)]).toString().trim().split('\n').map(Number);
    if (threads) {
      // One data process holds the threads; a thread cannot be killed from outside, so it crashes on request.
      expect(children).toHaveLength(1);
      await controlCall(controlSocket, 'debug-crash', { worker: 0 });
      await until('the thread death seen', async () => /data worker exited; restarting/.test(log), 5000);
    } else {
      expect(children.length).toBeGreaterThanOrEqual(2);
      process.kill(children[0], 'SIGKILL');
      // dgram: the workers share the primary's socket, so nothing is lost. native: each worker has its own
      // SO_REUSEPORT socket, and a datagram the kernel queued on the killed one dies with it; from the moment
      // that socket is closed every query reaches the worker left.
      if (udpIo === 'native') await until('the killed worker gone', async () => gone(children[0]), 5000);
    }
    let answered = 0;
    for (let i = 0; i < 100; i++) {
      const reply = await udpExchange(port, buildQuery({ id: 5000 + i, name: 'example.test', type: 'SOA' }));
      if (reply && rcodeOf(reply) === 0) answered++;
    }
    expect(answered).toBe(100);
    await until('the worker restarted', async () => {
      const m = await http('/metrics');
      return metric(m, 'anycastd_workers_restarts_total') === 1 && metric(m, 'anycastd_workers_running') === 2;
    });
    expect(log).toMatch(/data worker exited; restarting/);
  });

  it('reports per-zone status and counters', async () => {
    const status = JSON.parse(await http('/status'));
    expect(status.zones[0]).toMatchObject({ origin: 'example.test.', serial: 2026112701, records: 21 });
    expect(status.zones[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(status.workers).toHaveLength(2);
    const m = await http('/metrics');
    expect(metric(m, 'anycastd_dns_queries_total{transport="udp"}')).toBeGreaterThan(0);
  });

  it('counts responses by outcome across the workers', async () => {
    const nx = async () => metric(await http('/metrics'), 'anycastd_responses_total{outcome="nxdomain"}');
    const before = await nx();
    let answered = 0;
    for (let i = 0; i < 30; i++) {
      const reply = await udpExchange(port, buildQuery({ id: 7000 + i, name: `nope-${i}.example.test`, type: 'A' }));
      if (reply && rcodeOf(reply) === 3) answered++;
    }
    expect(answered).toBe(30);
    // Reports arrive once per check round (200 ms here); the self-check's SOA probes count as positive, not here.
    await until('30 more nxdomain responses in /metrics', async () => (await nx()) === before + 30, 5000);
    expect(metric(await http('/metrics'), 'anycastd_responses_total{outcome="positive"}')).toBeGreaterThan(0);
  });
});
