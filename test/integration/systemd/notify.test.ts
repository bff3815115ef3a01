// sd_notify over a real unix datagram socket: the real systemd-notify, then `anycastd serve` itself, into a fake NOTIFY_SOCKET.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSdNotifier } from '../../../src/control/sd-notify.js';
import { CLI, HOST, REPO_ROOT, freePort, udpExchange } from '../support/server.js';
import { buildQuery } from '../support/dns.js';
import { python, startReceiver, systemdNotify, type NotifyReceiver } from './notify-receiver.js';

const missing = [python() ? null : 'python3', systemdNotify() ? null : 'systemd-notify'].filter((x) => x !== null);
if (missing.length && process.env.REQUIRE_E2E === '1') throw new Error(`REQUIRE_E2E=1 but ${missing.join(' and ')} missing`);
if (missing.length) console.warn(`skipping sd_notify socket tests: ${missing.join(' and ')} not installed`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing.length > 0)('sd_notify through systemd-notify', () => {
  let rx: NotifyReceiver | null = null;
  afterEach(async () => {
    await rx?.close();
    rx = null;
  });

  it('delivers READY, STATUS and STOPPING in order, each followed by a BARRIER=1 carrying a fd', async () => {
    rx = await startReceiver();
    const sd = createSdNotifier({ env: { NOTIFY_SOCKET: rx.socket, PATH: process.env.PATH } });
    void sd.ready('starting: waiting for the first check');
    void sd.status('up: 2 good rounds');
    await sd.stopping('stopping: SIGTERM');
    await rx.waitFor((d) => d.length >= 6);
    expect(rx.received.map((d) => [d.text, d.fds])).toEqual([
      ['READY=1\nSTATUS=starting: waiting for the first check', 0],
      ['BARRIER=1', 1],
      ['STATUS=up: 2 good rounds', 0],
      ['BARRIER=1', 1],
      ['STOPPING=1\nSTATUS=stopping: SIGTERM', 0],
      ['BARRIER=1', 1],
    ]);
  });

  it('works with an abstract socket name (NOTIFY_SOCKET=@...)', async () => {
    rx = await startReceiver(true);
    const sd = createSdNotifier({ env: { NOTIFY_SOCKET: rx.socket, PATH: process.env.PATH } });
    await sd.ready();
    await rx.waitFor(() => rx!.assignments().includes('READY=1'));
  });

  it('feeds the watchdog at half of WATCHDOG_USEC', async () => {
    rx = await startReceiver();
    const sd = createSdNotifier({ env: { NOTIFY_SOCKET: rx.socket, PATH: process.env.PATH, WATCHDOG_USEC: '400000' } });
    expect(sd.watchdogIntervalMs).toBe(200);
    sd.startWatchdog();
    await sleep(1250);
    sd.stopWatchdog();
    await sleep(300);
    const pings = rx.assignments().filter((a) => a === 'WATCHDOG=1').length;
    // 7 on an idle machine (one at start, one per 200 ms); a loaded one may skip a tick, never add one.
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(pings).toBeLessThanOrEqual(7);
  });
});

describe.skipIf(missing.length > 0)('anycastd serve under a fake systemd', () => {
  it('READY=1 only once DNS answers, watchdog pings, STATUS per state, STOPPING=1 on SIGTERM', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p tsconfig.build.json\` first`);
    const rx = await startReceiver();
    const zones = mkdtempSync(join(tmpdir(), 'anycastd-notify-zones-'));
    copyFileSync(join(REPO_ROOT, 'zones', 'example.test.zone'), join(zones, 'example.test.zone'));
    const port = await freePort();
    const args = [CLI, 'serve', '--listen', `${HOST}:${port}`, '--zones', zones, '--nsid', 'sd', '--check-interval', '100', '--rise', '1', '--hold-down', '0',
      '--control-socket', join(mkdtempSync(join(tmpdir(), 'anycastd-notify-run-')), 'control.sock')];
    const env: NodeJS.ProcessEnv = { ...process.env, NOTIFY_SOCKET: rx.socket, WATCHDOG_USEC: '400000', LOG_LEVEL: 'warn' };
    delete env.WATCHDOG_PID;
    const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await rx.waitFor(() => rx.assignments().includes('READY=1'), 20_000);
      // READY comes after the workers listen: the first query straight after it is answered.
      const reply = await udpExchange(port, buildQuery({ id: 7, name: 'example.test', type: 'SOA' }), 1000);
      expect(reply?.readUInt16BE(0)).toBe(7);
      const ready = rx.received.find((d) => d.text.startsWith('READY=1'))!;
      expect(ready.text).toMatch(/^READY=1\nSTATUS=starting: /);

      await rx.waitFor(() => rx.assignments().some((a) => a.startsWith('STATUS=up: ')), 10_000);
      const t0 = Date.now();
      const before = rx.assignments().filter((a) => a === 'WATCHDOG=1').length;
      await sleep(1500);
      const pings = rx.assignments().filter((a) => a === 'WATCHDOG=1').length - before;
      // Every 200 ms from the primary's event loop: 7 or 8 on an idle machine.
      expect(pings, `pings in ${Date.now() - t0} ms`).toBeGreaterThanOrEqual(3);

      proc.kill('SIGTERM');
      await rx.waitFor(() => rx.assignments().includes('STOPPING=1'), 5000);
      expect(rx.assignments()).toContain('STATUS=stopping: SIGTERM');
      expect(await exited).toBe(0);
      // Nothing but the watchdog before READY; READY before any state STATUS.
      const texts = rx.received.filter((d) => d.text !== 'BARRIER=1').map((d) => d.text.split('\n')[0]);
      expect(texts.slice(0, texts.indexOf('READY=1')).every((t) => t === 'WATCHDOG=1')).toBe(true);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nserve stderr:\n${stderr.slice(-3000)}`);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await rx.close();
      rmSync(zones, { recursive: true, force: true });
    }
  });
});
