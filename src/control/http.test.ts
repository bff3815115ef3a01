// HTTP on --http against a real ControlPlane and DnsServer in-process: /metrics, /status, /healthz, drain/undrain, /debug/*.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DnsServer } from '../server/server.js';
import { ControlAgent } from '../server/agent.js';
import { serveConfig } from '../cli/serve-config.js';
import { ControlPlane, type ControlConfig } from './control-plane.js';
import type { DataWorkers, WorkerReply } from './workers.js';
import { startHttp } from './http.js';
import { freePort } from './free-port.test-util.js';

const HOST = '127.0.0.1';
const SERIAL = 2024060101;
const silent = pino({ level: 'silent' });


/** Stands in for the cluster workers: the real data path's report, fetched in-process. */
function fakeWorkers(agent: ControlAgent, extra: WorkerReply[] = []) {
  return {
    running: 1 + extra.length,
    restartsTotal: 0,
    broadcast: vi.fn(),
    reload: vi.fn(async () => undefined),
    // `extra` is read each round, so a test can silence a worker later.
    reports: async (): Promise<WorkerReply[]> => [{ id: 0, pid: process.pid, report: agent.report() }, ...extra],
  };
}

describe('control HTTP', () => {
  let dir: string;
  let dns: DnsServer;
  let agent: ControlAgent;
  let config: ControlConfig;
  const servers: http.Server[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-http-'));
    writeFileSync(join(dir, 'http.test.zone'), `$ORIGIN http.test.\n$TTL 60\n@ SOA ns1 host ${SERIAL} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n`);
    const serve = serveConfig({
      listen: [`${HOST}:${await freePort()}`], zones: dir, nsid: 't', maxUdpSize: '1232', tcpIdleMs: '1000', tcpMaxConnections: '10',
      tcpMaxQueries: '10', zonesRescanMs: '60000', zonesDebounceMs: '1', zoneDeleteGraceMs: '1000', zoneOrigin: [],
      rise: '1', fall: '1', holdDown: '0', checkInterval: '100',
    });
    dns = new DnsServer(serve.server, silent);
    await dns.start();
    agent = new ControlAgent(dns, () => undefined, { workerId: 0, debug: false, reportRss: true }, () => undefined);
    config = { ...serve.control, maxElu: null };
  });

  afterAll(async () => {
    for (const s of servers) s.close();
    await dns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(debugEndpoints = false, extra: WorkerReply[] = []) {
    const workers = fakeWorkers(agent, extra);
    const control = new ControlPlane(config, workers as unknown as DataWorkers, silent);
    const reload = vi.fn(async () => undefined);
    const server = await startHttp({ listen: { host: HOST, port: 0, family: 4 }, debugEndpoints, version: '9.9.9' }, control, workers as unknown as DataWorkers, reload, silent);
    servers.push(server);
    const base = `http://${HOST}:${(server.address() as net.AddressInfo).port}`;
    const call = async (method: string, path: string) => {
      const res = await fetch(base + path, { method });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    };
    return { control, workers, reload, call };
  }

  it('/healthz is 503 until the node is up, then 200', async () => {
    const { control, call } = await start();
    expect(await call('GET', '/healthz')).toMatchObject({ status: 503, body: 'starting\n' });
    // --rise 2: two good rounds before the node is up.
    await control.round();
    await control.round();
    expect(control.snapshot().state).toBe('up');
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: 'up\n' });
  });

  it('/metrics is Prometheus text with the current state', async () => {
    const { control, call } = await start();
    await control.round();
    await control.round();
    const r = await call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.body).toContain('anycastd_health_state{state="up"} 1');
    expect(r.body).toContain('anycastd_zone_serial{zone="http.test."} 2024060101');
    expect(r.body).toContain('anycastd_health_self_check_ok 1');
  });

  it('/status is JSON with state, reason, zones and serials, the last check, and BIRD (none here)', async () => {
    const { control, call } = await start();
    await control.round();
    await control.round();
    const r = await call('GET', '/status');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    const s = JSON.parse(r.body) as Record<string, any>;
    expect(s).toMatchObject({ version: '9.9.9', state: 'up', routing: 'announce', draining: false, bird: null });
    expect(typeof s.reason).toBe('string');
    expect(s.zones.map((z: { origin: string; serial: number }) => [z.origin, z.serial])).toEqual([['http.test.', SERIAL]]);
    expect(s.lastCheck.selfCheck.ok).toBe(true);
    expect(s.lastCheck.selfCheck.probes).toHaveLength(2);
    expect(s.workers).toEqual([expect.objectContaining({ id: 0, ok: true })]);
    expect(s.transitions.map((t: { from: string; to: string }) => `${t.from}->${t.to}`)).toEqual(['starting->up']);
  });

  it('POST /drain withdraws at once (healthz 503), POST /undrain starts over and rises again', async () => {
    const { control, call } = await start();
    await control.round();
    await control.round();
    expect(control.snapshot().state).toBe('up');
    const drained = await call('POST', '/drain');
    expect(drained.status).toBe(200);
    expect(JSON.parse(drained.body)).toMatchObject({ state: 'draining', routing: 'withdraw', draining: true });
    expect((await call('GET', '/healthz')).status).toBe(503);
    const undrained = await call('POST', '/undrain');
    expect(JSON.parse(undrained.body)).toMatchObject({ draining: false });
    expect(['starting', 'up']).toContain(JSON.parse(undrained.body).state);
    await control.round();
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('POST /reload reloads the zones and answers with the status', async () => {
    const { reload, call } = await start();
    const r = await call('POST', '/reload');
    expect(r.status).toBe(200);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(JSON.parse(r.body)).toHaveProperty('state');
  });

  it('/debug/* is 404 without debugEndpoints, and nothing reaches the workers', async () => {
    const { workers, call } = await start(false);
    expect((await call('POST', '/debug/block?ms=10')).status).toBe(404);
    expect((await call('POST', '/debug/load?busy=5&period=10')).status).toBe(404);
    expect(workers.broadcast).not.toHaveBeenCalled();
  });

  it('/debug/block and /debug/load reach the workers with debugEndpoints, POST only', async () => {
    const { workers, call } = await start(true);
    expect(JSON.parse((await call('POST', '/debug/block?ms=50')).body)).toEqual({ kind: 'debug-block', ms: 50 });
    expect(JSON.parse((await call('POST', '/debug/block?ms=999999')).body)).toEqual({ kind: 'debug-block', ms: 60_000 });
    expect(JSON.parse((await call('POST', '/debug/load?busy=5&period=1')).body)).toEqual({ kind: 'debug-load', busyMs: 5, periodMs: 10 });
    expect(workers.broadcast).toHaveBeenCalledTimes(3);
    expect((await call('GET', '/debug/block')).status).toBe(404);
    expect((await call('POST', '/debug/nothing')).status).toBe(404);
  });

  it('answers 404 to unknown paths and wrong methods', async () => {
    const { call } = await start();
    expect((await call('GET', '/')).status).toBe(404);
    expect((await call('GET', '/drain')).status).toBe(404);
    expect((await call('POST', '/metrics')).status).toBe(404);
  });

  // With two workers and one hung, the probes are answered by the other one: /status and the metric
  // must still show the round's verdict, which fails on the silent worker.
  it('reports the self-check as failed when a worker is silent', async () => {
    const extra: WorkerReply[] = [];
    const { control, call } = await start(false, extra);
    await control.round();
    await control.round();
    expect(control.snapshot().state).toBe('up');
    extra.push({ id: 1, pid: 4242, report: null, error: 'did not answer within 750 ms (event loop blocked?)' });
    await control.round();
    const s = JSON.parse((await call('GET', '/status')).body);
    expect(s.state).toBe('down');
    expect(s.reason).toMatch(/worker 1 \(pid 4242\) did not answer/);
    expect((await call('GET', '/metrics')).body).toContain('anycastd_health_self_check_failures_total 1');
    expect(s.lastCheck.selfCheck.ok).toBe(false);
    expect((await call('GET', '/metrics')).body).toContain('anycastd_health_self_check_ok 0');
  });
});
