// Thread mode with secondary zones: one data process transfers nothing (the control plane does), compiles and patches
// each zone once for all its threads, and every thread answers the new serial after NOTIFY + IXFR; a NOTIFY reaching
// any thread is checked there and refreshes the zone; expiry turns every thread to SERVFAIL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../support/server.js';
import { KnotPrimary, knotMissing } from '../secondary/knot-primary.js';
import { ask, nodeHttp, txt } from '../secondary/helpers.js';
import { until } from '../support/wait.js';
import { pickDataPathMode } from '../../../src/control/data-path.js';

const threadsHere = pickDataPathMode('auto') === 'threads';
const required = process.env.REQUIRE_E2E === '1';
const Z = 'threads.test.';
const zoneText = (serial: number, t = { refresh: 3600, retry: 1, expire: 600 }) =>
  `$ORIGIN ${Z}\n$TTL 300\n@ SOA ns1 admin ${serial} ${t.refresh} ${t.retry} ${t.expire} 300\n@ NS ns1\nns1 A 192.0.2.1\nwww TXT "serial ${serial}"\n` +
  Array.from({ length: serial * 3 }, (_, i) => `h${i} A 10.0.${i >> 8}.${i & 255}\n`).join('');

describe.skipIf(!threadsHere || (knotMissing !== null && !required))('thread mode: secondary zones from a Knot primary', () => {
  let knot: KnotPrimary;
  let node: RunningServer;
  let xfrDir: string;
  let httpPort: number;
  const { metric, status } = nodeHttp(() => httpPort);

  beforeAll(async () => {
    if (knotMissing !== null) throw new Error(`REQUIRE_E2E=1 but ${knotMissing}`);
    const nodePort = await freePort();
    httpPort = await freePort();
    xfrDir = mkdtempSync(join(tmpdir(), 'anycastd-xfr-threads-'));
    knot = new KnotPrimary({ zones: { [Z]: zoneText(1) }, notifyPort: nodePort });
    await knot.start();
    node = await startServer({
      port: nodePort,
      args: ['--worker-mode', 'threads', '--workers', '2', '--secondary', `${Z}@127.0.0.1:${knot.port},key=xfrkey`, '--tsig-keys', knot.keyFile(),
        '--xfr-dir', xfrDir, '--http', `127.0.0.1:${httpPort}`, '--check-interval', '200', '--rise', '1', '--fall', '1', '--hold-down', '0'],
    });
    await until('serial 1', async () => txt(await ask(node.port, `www.${Z}`)) === 'serial 1');
  });
  afterAll(async () => {
    await node?.stop();
    await knot?.cleanup();
    rmSync(xfrDir, { recursive: true, force: true });
  });

  it('runs threads and serves the transferred zone beside the file zone', async () => {
    expect(node.logTail(200)).toMatch(/data path: threads in one process/);
    expect((await ask(node.port, 'www.example.test.', 'A')).rcode).toBe('NOERROR');
    await until('the zone in /status as a secondary', async () => {
      const s = await status<{ zones: { origin: string; source?: string; serial: number }[] }>();
      return s.zones.some((z) => z.origin === Z && z.source === 'secondary' && z.serial === 1);
    });
  });

  it('NOTIFY + IXFR: every thread answers each new serial, patched once from the diff', async () => {
    for (let serial = 2; serial <= 4; serial++) {
      knot.update(Z, zoneText(serial));
      // 16 questions from 16 source ports: reusePort spreads them over both threads.
      await until(`serial ${serial} on every thread`, async () => {
        const answers = await Promise.all(Array.from({ length: 16 }, () => ask(node.port, `www.${Z}`)));
        return answers.every((a) => txt(a) === `serial ${serial}`);
      }, 5000);
    }
    await until('3 diffs applied, counted once', async () => (await metric(/anycastd_zone_diffs_total\{result="applied"\} (\d+)/)) === 3);
    expect(await metric(/anycastd_zone_diffs_total\{result="refused"\} (\d+)/)).toBe(0);
    expect(node.logTail(400).match(/zone diff applied/g)?.length).toBe(3);
    expect(await metric(/anycastd_xfr_notify_total\{result="accepted"\} (\d+)/)).toBeGreaterThanOrEqual(3);
  });

  it('expiry: every thread answers SERVFAIL and the node withdraws; the next transfer brings it back', async () => {
    knot.update(Z, zoneText(5, { refresh: 2, retry: 1, expire: 3 }));
    await until('serial 5', async () => txt(await ask(node.port, `www.${Z}`)) === 'serial 5');
    await knot.stop();
    await until('SERVFAIL on every thread', async () => {
      const answers = await Promise.all(Array.from({ length: 16 }, () => ask(node.port, `www.${Z}`)));
      return answers.every((a) => a.rcode === 'SERVFAIL');
    }, 10_000);
    expect((await ask(node.port, 'www.example.test.', 'A')).rcode).toBe('NOERROR');
    await until('withdrawn', async () => (await status<{ state: string }>()).state === 'down');
    await knot.start();
    await until('serving again', async () => txt(await ask(node.port, `www.${Z}`)) === 'serial 5', 10_000);
  });
});
