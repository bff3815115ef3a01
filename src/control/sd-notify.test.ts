// sd-notify.ts against a stand-in systemd-notify script: no-op outside systemd, order, watchdog pacing, failures.

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeState } from '../health/state.js';
import { createSdNotifier, startServiceNotifier, statusLine, watchdogInterval, type HealthSource } from './sd-notify.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let logPath: string;

/** A fake systemd-notify: appends one record per run (start time, env seen, arguments), optionally slow or failing. */
function fakeBinary(opts: { sleepS?: number; exitCode?: number } = {}): string {
  const path = join(dir, `notify-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `printf 'run %s socket=%s watchdog=%s\\n' "$(date +%s%N)" "$NOTIFY_SOCKET" "\${WATCHDOG_USEC:-unset}" >> '${logPath}'`,
      `for a in "$@"; do printf 'arg %s\\n' "$a" >> '${logPath}'; done`,
      // exec: a killed run leaves no orphaned sleep behind.
      opts.sleepS ? `exec sleep ${opts.sleepS}` : '',
      `exit ${opts.exitCode ?? 0}`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

interface Run {
  startNs: bigint;
  socket: string;
  watchdog: string;
  args: string[];
}

function runs(): Run[] {
  if (!existsSync(logPath)) return [];
  const out: Run[] = [];
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const run = /^run (\d+) socket=(\S*) watchdog=(\S+)$/.exec(line);
    if (run) out.push({ startNs: BigInt(run[1]), socket: run[2], watchdog: run[3], args: [] });
    else if (line.startsWith('arg ')) out[out.length - 1].args.push(line.slice(4));
  }
  return out;
}

const env = (extra: Record<string, string> = {}) => ({ NOTIFY_SOCKET: '/run/fake/notify', PATH: process.env.PATH, ...extra });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anycastd-sdnotify-'));
  logPath = join(dir, 'runs.log');
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchdogInterval', () => {
  it('is half of WATCHDOG_USEC, in ms', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '3000000' }, 42)).toBe(1500);
    expect(watchdogInterval({ WATCHDOG_USEC: '3000000', WATCHDOG_PID: '42' }, 42)).toBe(1500);
    expect(watchdogInterval({ WATCHDOG_USEC: '1000' }, 42)).toBe(1);
  });

  it('is off without WATCHDOG_USEC, with a bad value, or when WATCHDOG_PID names another process', () => {
    expect(watchdogInterval({}, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: 'soon' }, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: '0' }, 42)).toBeNull();
    // A cluster worker inherits the primary's environment: only the primary feeds the watchdog.
    expect(watchdogInterval({ WATCHDOG_USEC: '3000000', WATCHDOG_PID: '41' }, 42)).toBeNull();
  });
});

describe('statusLine', () => {
  it('keeps STATUS on one line', () => {
    expect(statusLine('down: udp 127.0.0.1:53\ntimeout\r\n')).toBe('down: udp 127.0.0.1:53 timeout ');
    expect(statusLine('x'.repeat(5000))).toHaveLength(1024);
  });
});

describe('createSdNotifier', () => {
  it('does nothing at all without NOTIFY_SOCKET', async () => {
    const binary = fakeBinary();
    const sd = createSdNotifier({ env: { WATCHDOG_USEC: '100000', PATH: process.env.PATH }, binary });
    expect(sd.enabled).toBe(false);
    expect(sd.watchdogIntervalMs).toBeNull();
    sd.startWatchdog();
    await sd.ready('up: fine');
    await sd.status('x');
    await sd.stopping();
    await sd.flush();
    await sleep(150);
    expect(existsSync(logPath)).toBe(false);
  });

  it('sends in call order, one datagram per call, with only NOTIFY_SOCKET passed on', async () => {
    const sd = createSdNotifier({ env: env({ WATCHDOG_USEC: '60000000' }), binary: fakeBinary() });
    expect(sd.enabled).toBe(true);
    expect(sd.watchdogIntervalMs).toBe(30_000);
    void sd.ready('starting: waiting for the first check');
    void sd.status('up: 2 good rounds');
    void sd.notify('EXTEND_TIMEOUT_USEC=5000000');
    await sd.stopping('stopping: SIGTERM');
    await sd.flush();
    const r = runs();
    expect(r.map((x) => x.args)).toEqual([
      ['READY=1', 'STATUS=starting: waiting for the first check'],
      ['STATUS=up: 2 good rounds'],
      ['EXTEND_TIMEOUT_USEC=5000000'],
      ['STOPPING=1', 'STATUS=stopping: SIGTERM'],
    ]);
    expect(r.every((x) => x.socket === '/run/fake/notify')).toBe(true);
    expect(r.every((x) => x.watchdog === 'unset')).toBe(true);
    // Serialised: each run starts after the previous one finished.
    for (let i = 1; i < r.length; i++) expect(r[i].startNs > r[i - 1].startNs).toBe(true);
  });

  it('pings WATCHDOG=1 every WATCHDOG_USEC/2 and stops when asked', async () => {
    const sd = createSdNotifier({ env: env({ WATCHDOG_USEC: '200000' }), binary: fakeBinary() });
    expect(sd.watchdogIntervalMs).toBe(100);
    sd.startWatchdog();
    sd.startWatchdog(); // idempotent: one timer
    await sleep(850);
    sd.stopWatchdog();
    await sleep(200);
    const pings = runs().filter((x) => x.args.join() === 'WATCHDOG=1').length;
    // One at start, then one per 100 ms: 9 when idle. A loaded machine may skip a tick (a ping still
    // in flight), and a second timer would show as more than 9.
    expect(pings).toBeGreaterThanOrEqual(4);
    expect(pings).toBeLessThanOrEqual(9);
    await sleep(250);
    expect(runs().length).toBe(pings);
  });

  it('never has two pings in flight: a slow systemd-notify skips ticks instead of piling up', async () => {
    const sd = createSdNotifier({ env: env({ WATCHDOG_USEC: '40000' }), binary: fakeBinary({ sleepS: 0.3 }) });
    sd.startWatchdog();
    await sleep(500);
    sd.stopWatchdog();
    // Without the guard a 20 ms interval would start about 25 runs in this window.
    expect(runs().length).toBeGreaterThanOrEqual(1);
    expect(runs().length).toBeLessThanOrEqual(2);
  });

  it('does not ping without a watchdog', async () => {
    const sd = createSdNotifier({ env: env(), binary: fakeBinary() });
    sd.startWatchdog();
    await sleep(100);
    expect(runs()).toEqual([]);
  });

  it('warns once when systemd-notify is missing, then stops trying', async () => {
    const warn = vi.fn();
    const sd = createSdNotifier({ env: env(), binary: join(dir, 'no-such-binary'), log: { warn } });
    await expect(sd.ready()).resolves.toBeUndefined();
    await sd.status('a');
    await sd.status('b');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).toContain('no-such-binary');
  });

  it('warns once when systemd-notify fails, and keeps sending', async () => {
    const warn = vi.fn();
    const sd = createSdNotifier({ env: env(), binary: fakeBinary({ exitCode: 1 }), log: { warn } });
    await sd.ready();
    await sd.status('a');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(runs().length).toBe(2);
  });

  it('kills a systemd-notify that hangs past the timeout', async () => {
    const sd = createSdNotifier({ env: env(), binary: fakeBinary({ sleepS: 10 }), timeoutMs: 200, log: { warn: () => undefined } });
    const started = Date.now();
    await sd.ready();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

/** A stand-in for ControlPlane: a state, and transitions appended as the machine would. */
function fakeHealth(): HealthSource & { go(to: NodeState, reason: string): void } {
  let state: NodeState = 'starting';
  let reason = 'waiting for the first check';
  const transitions: { to: NodeState; reason: string }[] = [];
  return {
    transitions,
    snapshot: () => ({ state, reason, transitions: transitions.length }),
    go(to, why) {
      state = to;
      reason = why;
      transitions.push({ to, reason: why });
    },
  };
}

describe('startServiceNotifier', () => {
  it('READY=1 with the state, a STATUS per change (none lost between polls), STOPPING=1 at the end', async () => {
    const health = fakeHealth();
    const svc = startServiceNotifier(undefined, { env: env(), binary: fakeBinary(), pollMs: 30 });
    svc.ready(health);
    await sleep(80);
    // Two changes within one poll interval: both must be reported, in order.
    health.go('up', '2 good rounds');
    health.go('down', 'udp 127.0.0.1:53 SOA example.test.: timeout after 750 ms');
    await sleep(100);
    health.go('up', 'recovered');
    await sleep(100);
    svc.stopping('SIGTERM');
    health.go('stopped', 'stopping');
    await sleep(100);
    await svc.notifier.flush();
    expect(runs().map((r) => r.args)).toEqual([
      ['READY=1', 'STATUS=starting: waiting for the first check'],
      ['STATUS=up: 2 good rounds'],
      ['STATUS=down: udp 127.0.0.1:53 SOA example.test.: timeout after 750 ms'],
      ['STATUS=up: recovered'],
      ['STOPPING=1', 'STATUS=stopping: SIGTERM'],
    ]);
  });

  it('is inert outside systemd', async () => {
    const health = fakeHealth();
    const svc = startServiceNotifier(undefined, { env: { WATCHDOG_USEC: '100000' }, binary: fakeBinary(), pollMs: 10 });
    svc.ready(health);
    health.go('up', 'x');
    svc.stopping('SIGTERM');
    await sleep(80);
    expect(svc.notifier.enabled).toBe(false);
    expect(existsSync(logPath)).toBe(false);
  });
});
