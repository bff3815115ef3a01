// Read-only HTTP on --http (its own thread) against a real ControlPlane and DnsServer in-process: what it serves and what it refuses.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DnsServer } from '../server/server.js';
import { ControlAgent } from '../server/agent.js';
import { serveConfig } from '../cli/serve-config.js';
import { readServeOptions } from '../cli/serve-options.js';
import { ControlPlane, type ControlConfig } from './control-plane.js';
import type { DataWorkers, WorkerReply } from './workers.js';
import { type HttpService, isHealthy, startHttp, statusDocument } from './http.js';
import { renderMetrics } from './metrics.js';
import { HTTP_LIMITS } from './http-thread.js';
import { parseAllowPrefix } from './http-allow.js';
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

/** Writes `text` and collects what comes back until the server closes (or 2 s pass). */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const sock = net.connect(port, HOST, () => sock.write(text));
    const done = () => (clearTimeout(timer), sock.destroy(), resolve(got));
    const timer = setTimeout(done, 2000);
    sock.on('data', (d) => (got += String(d)));
    sock.on('close', done);
    sock.on('error', done);
  });
}

describe('control HTTP', () => {
  let dir: string;
  let dns: DnsServer;
  let agent: ControlAgent;
  let config: ControlConfig;
  const services: HttpService[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-http-'));
    writeFileSync(join(dir, 'http.test.zone'), `$ORIGIN http.test.\n$TTL 60\n@ SOA ns1 host ${SERIAL} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n`);
    const serve = serveConfig(readServeOptions({
      listen: [`${HOST}:${await freePort()}`], zones: dir, nsid: 't', maxUdpSize: '1232', tcpIdleMs: '1000', tcpMaxConnections: '10',
      tcpMaxQueries: '10', zonesRescanMs: '60000', zonesDebounceMs: '1', zoneDeleteGraceMs: '1000', zoneOrigin: [],
      rise: '1', fall: '1', holdDown: '0', checkInterval: '100',
    }));
    dns = new DnsServer(serve.server, silent);
    await dns.start();
    agent = new ControlAgent(dns, () => undefined, { workerId: 0, debug: false, reportRss: true }, () => undefined);
    config = { ...serve.control, maxElu: null };
  });

  afterAll(async () => {
    for (const s of services) await s.close();
    await dns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extra: WorkerReply[] = [], allow: string[] = []) {
    const workers = fakeWorkers(agent, extra);
    const control = new ControlPlane(config, workers as unknown as DataWorkers, silent);
    const service: HttpService = await startHttp({ listen: { host: HOST, port: 0, family: 4 }, allow: allow.map(parseAllowPrefix) }, () => {
      const state = control.snapshot().state;
      return {
        status: JSON.stringify(statusDocument(control, '9.9.9')),
        metrics: renderMetrics(control, workers.running, workers.restartsTotal),
        state,
        healthy: isHealthy(state),
      };
    }, silent);
    services.push(service);
    const base = `http://${HOST}:${service.port}`;
    // What the primary does after each round: hand the thread a fresh snapshot.
    const call = async (method: string, path: string, init: RequestInit = {}) => {
      await service.publish();
      const res = await fetch(base + path, { method, ...init });
      return { status: res.status, type: res.headers.get('content-type') ?? '', allow: res.headers.get('allow'), body: await res.text() };
    };
    return { control, workers, service, call };
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

  it('refuses POST /drain (and every other state change) with 405: the node stays up and announced', async () => {
    const { control, workers, call } = await start();
    await control.round();
    await control.round();
    for (const path of ['/drain', '/undrain', '/reload', '/debug/block?ms=10', '/debug/load?busy=5']) {
      const r = await call('POST', path);
      expect(r.status, path).toBe(405);
      expect(r.allow).toBe('GET, HEAD');
    }
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) expect((await call(method, '/status')).status, method).toBe(405);
    await control.round();
    expect(control.snapshot().state).toBe('up');
    expect(control.draining).toBe(false);
    expect(workers.reload).not.toHaveBeenCalled();
    expect(workers.broadcast).not.toHaveBeenCalled();
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('answers 404 to unknown paths, 413 to a request with a body, and HEAD like GET without a body', async () => {
    const { service, call } = await start();
    expect((await call('GET', '/')).status).toBe(404);
    expect((await call('GET', '/drain')).status).toBe(404);
    // fetch will not send a GET with a body; a raw request will.
    const raw = await rawExchange(service.port, 'GET /status HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello');
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    const head = await call('HEAD', '/status');
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it('--http-allow: a client outside the list is dropped at accept, one inside is served', async () => {
    const outside = await start([], ['10.0.0.0/8', '2001:db8::/32']);
    await expect(outside.call('GET', '/healthz')).rejects.toThrow();
    await outside.service.publish();
    expect(outside.service.counters.deniedByAllowList).toBeGreaterThan(0);
    const inside = await start([], ['127.0.0.0/8']);
    expect((await inside.call('GET', '/healthz')).status).toBe(503);
  });

  it(`caps concurrent connections at ${HTTP_LIMITS.maxConnections}; the slot frees when a client leaves`, async () => {
    const { service, call } = await start();
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < HTTP_LIMITS.maxConnections; i++) {
        held.push(await new Promise<net.Socket>((ok, fail) => {
          const s = net.connect(service.port, HOST, () => ok(s));
          s.once('error', fail);
        }));
      }
      // One more is accepted by the kernel, then closed by the server without an answer.
      const extra = net.connect(service.port, HOST);
      const closed = await new Promise<string>((ok) => {
        extra.on('data', () => ok('data'));
        extra.on('error', () => ok('closed'));
        extra.on('close', () => ok('closed'));
      });
      expect(closed).toBe('closed');
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect((await call('GET', '/healthz')).status).toBe(503);
    await service.publish();
    expect(service.counters.droppedOverLimit).toBeGreaterThan(0);
  });

  it(`closes a slowloris client that never finishes its request head (within ${HTTP_LIMITS.headersTimeoutMs} ms + a check interval)`, async () => {
    const { service } = await start();
    const sock = net.connect(service.port, HOST);
    const t0 = Date.now();
    let n = 0;
    const drip = setInterval(() => sock.write(`x-slow-${n++}: a\r\n`), 500);
    sock.write('GET /status HTTP/1.1\r\nhost: x\r\n');
    const reply = await new Promise<string>((resolve) => {
      let got = '';
      sock.on('data', (d) => (got += String(d)));
      sock.on('close', () => resolve(got));
      sock.on('error', () => undefined);
    }).finally(() => clearInterval(drip));
    const ms = Date.now() - t0;
    expect(reply).toMatch(/^HTTP\/1.1 408/);
    expect(ms).toBeGreaterThanOrEqual(HTTP_LIMITS.headersTimeoutMs - 100);
    expect(ms).toBeLessThan(HTTP_LIMITS.headersTimeoutMs + 2500);
  }, 15_000);

  it(`ends a keep-alive connection after ${HTTP_LIMITS.maxRequestsPerConnection} requests`, async () => {
    const { service } = await start();
    await service.publish();
    const one = 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n';
    const raw = await rawExchange(service.port, one.repeat(HTTP_LIMITS.maxRequestsPerConnection + 5));
    const heads = raw.split('HTTP/1.1 ').length - 1;
    expect(heads).toBe(HTTP_LIMITS.maxRequestsPerConnection);
    expect(raw).toMatch(/connection: close/i);
  });

  // With two workers and one hung, the probes are answered by the other one: /status and the metric
  // must still show the round's verdict, which fails on the silent worker.
  it('reports the self-check as failed when a worker is silent', async () => {
    const extra: WorkerReply[] = [];
    const { control, call } = await start(extra);
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
