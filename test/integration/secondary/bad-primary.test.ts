// A running node against a primary that misbehaves (garbage, a close mid-stream, another zone, a huge RR, a serial
// going backwards, silence): each time a clear error in /status and the log, a counter, no crash, the old zone served.

import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../support/server.js';
import { FakePrimary, a, axfrSteps, ns, soa, type Script } from '../../../src/xfr/fake-primary.test-util.js';
import { buildQuery } from '../../../src/xfr/transfer-query.js';
import { ask, settle, txt } from './helpers.js';
import { until } from '../support/wait.js';

const Z = 'bad.test';
const good: Script = (q) => (q.type === 'IXFR' && q.ixfrSerial === 10 ? [{ records: [soa(Z, 10)] }] : axfrSteps(Z, 10, [ns(Z), a(`ns.${Z}`, '192.0.2.1'), { name: `www.${Z}`, type: 'TXT', ttl: 60, data: 'serial 10' }]));

const cases: [string, Script, RegExp][] = [
  ['garbage', () => [{ raw: Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n') }], /malformed message 1/],
  ['a close mid-stream', () => [axfrSteps(Z, 11, Array.from({ length: 200 }, (_, i) => a(`h${i}.${Z}`, '10.0.0.1')), 20)[0], { close: true }], /ended before the closing SOA/],
  ['a different zone', () => axfrSteps('evil.test', 11, [a('www.evil.test', '192.0.2.66')]), /outside zone bad\.test\.|not bad\.test\./],
  ['a huge RR', () => axfrSteps(Z, 11, [{ name: `big.${Z}`, type: 'TXT', ttl: 1, data: Array.from({ length: 120 }, () => Buffer.alloc(250, 0x78)) }]), /over the 16384 limit/],
  ['a serial going backwards', () => axfrSteps(Z, 9, [ns(Z)]), /serial went backwards/],
  ['silence', () => [{ hang: true }], /no data from the primary/],
];

describe('secondary zone from a misbehaving primary', () => {
  let primary: FakePrimary;
  let node: RunningServer;
  let xfrDir: string;
  let httpPort: number;
  const status = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/status`, { signal: AbortSignal.timeout(2000) })).json()) as { zones: Record<string, unknown>[] };
  const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  const errors = async () => Number(/anycastd_xfr_total\{zone="bad\.test\.",type="axfr",result="error"\} (\d+)/.exec(await metrics())?.[1]);

  async function sendNotify(): Promise<void> {
    const q = Buffer.from(buildQuery(99, `${Z}.`, 6));
    q[2] = (q[2] & 0x87) | (4 << 3);
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.send(q, node.port, '127.0.0.1', () => r()));
    await new Promise((r) => setTimeout(r, 50));
    s.close();
  }

  beforeAll(async () => {
    primary = new FakePrimary(good);
    await primary.start();
    httpPort = await freePort();
    xfrDir = mkdtempSync(join(tmpdir(), 'anycastd-xfr-bad-'));
    node = await startServer({ args: ['--secondary', `${Z}@127.0.0.1:${primary.port}`, '--xfr-dir', xfrDir, '--http', `127.0.0.1:${httpPort}`, '--check-interval', '200'] });
    await until('serial 10', async () => txt(await ask(node.port, `www.${Z}.`)) === 'serial 10');
    await until('/status with the zone', async () => (await status()).zones.some((x) => x.origin === `${Z}.` && x.serial === 10));
  });
  afterAll(async () => {
    await node?.stop();
    await primary?.stop();
    rmSync(xfrDir, { recursive: true, force: true });
  });

  it.each(cases)('%s: error in /status, logs and metrics; the old zone keeps serving', async (_name, script, message) => {
    await settle(); // /metrics is a published snapshot: let it catch up before taking the baseline
    const before = await errors();
    primary.script = script;
    await sendNotify();
    const zone = await until('the error in /status', async () => {
      const z = (await status()).zones.find((x) => x.origin === `${Z}.` && x.source === 'secondary');
      return z && typeof z.lastError === 'string' && message.test(z.lastError) ? z : null;
    }, 30_000);
    expect(zone.serial).toBe(10);
    await until('the error counted', async () => (await errors()) > before);
    expect(node.logTail(30)).toMatch(/zone refresh failed; keeping the zone we have/);
    expect(txt(await ask(node.port, `www.${Z}.`))).toBe('serial 10');
    expect(node.alive()).toBe(true);
    // The primary recovers: the next NOTIFY clears the error.
    primary.script = good;
    await sendNotify();
    await until('the error cleared', async () => (await status()).zones.find((x) => x.origin === `${Z}.` && x.source === 'secondary')?.lastError === null, 20_000);
  });
});
