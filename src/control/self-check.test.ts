// runSelfCheck against a real in-process DnsServer, a wrong serial, and a server that never answers: bounded, and no sockets left behind.

import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../server/server.js';
import { serveConfig } from '../cli/serve-config.js';
import { readServeOptions } from '../cli/serve-options.js';
import type { ListenAddress } from '../transport/address.js';
import { runSelfCheck } from './self-check.js';
import { freePort } from './free-port.test-util.js';

const HOST = '127.0.0.1';
const SERIAL = 2024060101;


const activeHandles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The handle count once it has stopped moving (sockets closed elsewhere leave a tick or more later). */
async function settledHandles(): Promise<number> {
  let last = activeHandles();
  for (let stable = 0, i = 0; stable < 3 && i < 100; i++) {
    await sleep(20);
    const now = activeHandles();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

describe('runSelfCheck against a real server', () => {
  let dir: string;
  let server: DnsServer;
  let addr: ListenAddress;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-selfcheck-'));
    writeFileSync(join(dir, 'selfcheck.test.zone'), `$ORIGIN selfcheck.test.\n$TTL 60\n@ SOA ns1 host ${SERIAL} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n`);
    const port = await freePort();
    const config = serveConfig(readServeOptions({
      listen: [`${HOST}:${port}`], zones: dir, nsid: 't', maxUdpSize: '1232', tcpIdleMs: '1000', tcpMaxConnections: '10', tcpMaxQueries: '10',
      zonesRescanMs: '60000', zonesDebounceMs: '1', zoneDeleteGraceMs: '1000', zoneOrigin: [],
    }));
    server = new DnsServer(config.server, pino({ level: 'silent' }));
    await server.start();
    addr = config.server.listen[0];
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes over UDP and TCP when the served serial is the loaded one', async () => {
    const r = await runSelfCheck([addr], [{ origin: 'selfcheck.test.', serial: SERIAL }], 1000);
    expect(r.ok, r.detail).toBe(true);
    expect(r.detail).toBe('2 SOA probes answered');
    expect(r.probes.map((p) => [p.transport, p.ok]).sort()).toEqual([['tcp', true], ['udp', true]]);
  });

  it('accepts a newer serial than expected (reloaded since the workers reported)', async () => {
    const r = await runSelfCheck([addr], [{ origin: 'selfcheck.test.', serial: SERIAL - 1 }], 1000);
    expect(r.ok, r.detail).toBe(true);
  });

  it('fails on an older serial with a detail that names the transport, target, zone and both serials', async () => {
    const r = await runSelfCheck([addr], [{ origin: 'selfcheck.test.', serial: SERIAL + 1 }], 1000);
    expect(r.ok).toBe(false);
    const target = `${HOST}:${addr.port}`;
    expect(r.detail).toMatch(new RegExp(`^(udp|tcp) ${target.replace(/\./g, '\\.')} SOA selfcheck\\.test\\.: serial ${SERIAL}, loaded ${SERIAL + 1} \\(1 more failed\\)$`));
    expect(r.probes.every((p) => p.error === `serial ${SERIAL}, loaded ${SERIAL + 1}`)).toBe(true);
  });

  it('fails on a zone the server does not serve (REFUSED), and with no zone at all', async () => {
    const r = await runSelfCheck([addr], [{ origin: 'other.test.', serial: 1 }], 1000);
    expect(r.ok).toBe(false);
    expect(r.probes.map((p) => p.error)).toEqual(['rcode 5', 'rcode 5']);
    expect(await runSelfCheck([addr], [], 1000)).toEqual({ ok: false, detail: 'no zone loaded', probes: [] });
  });

  it('leaves no socket behind after many rounds', async () => {
    const before = await settledHandles();
    for (let i = 0; i < 20; i++) await runSelfCheck([addr], [{ origin: 'selfcheck.test.', serial: SERIAL }], 1000);
    expect(await settledHandles()).toBe(before);
  });
});

describe('runSelfCheck against a server that never answers', () => {
  let udp: dgram.Socket;
  let tcp: net.Server;
  let port: number;
  const accepted: net.Socket[] = [];
  let datagrams = 0;

  beforeAll(async () => {
    port = await freePort();
    udp = dgram.createSocket('udp4');
    udp.on('message', () => datagrams++);
    await new Promise<void>((r) => udp.bind(port, HOST, r));
    // Accepts, reads, never writes: a hung data path as a client sees it.
    tcp = net.createServer((s) => {
      accepted.push(s);
      s.on('error', () => undefined);
      // Reading (and dropping) what arrives lets this side see the client's FIN and close.
      s.resume();
    });
    await new Promise<void>((r) => tcp.listen(port, HOST, r));
  });

  afterAll(async () => {
    for (const s of accepted) s.destroy();
    udp?.close();
    await new Promise((r) => tcp?.close(r));
  });

  it('fails within the timeout on both transports and closes its sockets', async () => {
    const before = await settledHandles();
    const started = performance.now();
    const r = await runSelfCheck([{ host: HOST, port, family: 4 }], [{ origin: 'selfcheck.test.', serial: SERIAL }], 300);
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    expect(r.probes.map((p) => [p.transport, p.error]).sort()).toEqual([['tcp', 'timeout after 300 ms'], ['udp', 'timeout after 300 ms']]);
    expect(r.detail).toMatch(/timeout after 300 ms \(1 more failed\)$/);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
    expect(datagrams).toBe(1);
    expect(await settledHandles()).toBe(before);
    // The server side sees the probe's connection closed, not left open.
    await sleep(50);
    const open = await new Promise<number>((ok) => tcp.getConnections((_e, n) => ok(n)));
    expect(open).toBe(0);
  });

  it('fails fast on a refused TCP connection and still times out UDP, leaving nothing open', async () => {
    const closed = await freePort();
    const before = await settledHandles();
    const r = await runSelfCheck([{ host: HOST, port: closed, family: 4 }], [{ origin: 'selfcheck.test.', serial: SERIAL }], 300);
    expect(r.ok).toBe(false);
    const tcpProbe = r.probes.find((p) => p.transport === 'tcp')!;
    expect(tcpProbe.error).toMatch(/ECONNREFUSED/);
    expect(tcpProbe.ms).toBeLessThan(200);
    expect(await settledHandles()).toBe(before);
  });
});
