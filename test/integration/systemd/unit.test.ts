// systemd/: the unit passes `systemd-analyze verify` offline, carries the directives the design needs, and its companions hold.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveConfig } from '../../../src/cli/serve-config.js';
import { readServeOptions } from '../../../src/cli/serve-options.js';
import { REPO_ROOT } from '../support/server.js';

const DIR = join(REPO_ROOT, 'systemd');
const UNIT_PATH = join(DIR, 'anycastd.service');
const UNIT = readFileSync(UNIT_PATH, 'utf8');
const EXAMPLE = JSON.parse(readFileSync(join(DIR, 'anycastd.json'), 'utf8')) as Record<string, unknown>;

const has = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
const ANALYZE = has('systemd-analyze');
if (!ANALYZE && process.env.REQUIRE_E2E === '1') throw new Error('REQUIRE_E2E=1 but systemd-analyze is missing (Debian package: systemd)');
if (!ANALYZE) console.warn('skipping systemd-analyze checks: systemd-analyze not installed (Debian package: systemd)');

/** [Section] -> key -> values in order (a key may repeat, e.g. ExecStartPre=). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = new Map();
      out.set(head[1], section);
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

const service = parseUnit(UNIT).get('Service')!;
const one = (key: string) => {
  const v = service.get(key);
  expect(v, `${key}= in [Service]`).toBeDefined();
  return v![v!.length - 1];
};

/** systemd time span ("3s", "1500ms", "1min") in ms; enough of the syntax for this unit. */
function spanMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m)?$/.exec(text.trim());
  if (!m) throw new Error(`cannot read time span "${text}"`);
  const unit = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

const scratch = mkdtempSync(join(tmpdir(), 'anycastd-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('anycastd.service directives', () => {
  it('is Type=notify with a watchdog the service feeds, killed within about a second', () => {
    expect(one('Type')).toBe('notify');
    // systemd-notify (a child of the main process) is the sender: see src/control/sd-notify.ts.
    expect(one('NotifyAccess')).toBe('all');
    const watchdog = spanMs(one('WatchdogSec'));
    expect(watchdog).toBeGreaterThan(0);
    expect(watchdog).toBeLessThanOrEqual(5000);
    const signal = service.get('WatchdogSignal')?.at(-1);
    const abort = service.get('TimeoutAbortSec')?.at(-1);
    expect(signal === 'SIGKILL' || (abort !== undefined && spanMs(abort) <= 1000), 'WatchdogSignal=SIGKILL or TimeoutAbortSec<=1s').toBe(true);
    expect(one('Restart')).toMatch(/^(on-failure|always)$/);
  });

  it('adds the anycast address to lo as root, idempotently, and serves from the config file', () => {
    const pre = service.get('ExecStartPre') ?? [];
    expect(pre.some((l) => /^\+\/usr\/sbin\/ip address replace \S+\/(32|128) dev lo$/.test(l))).toBe(true);
    expect(one('ExecStart')).toBe('/usr/bin/anycastd serve --config /etc/anycastd/anycastd.json');
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    // The example address is the one the example config announces.
    const addr = /replace (\S+) dev lo/.exec(pre.find((l) => l.includes(' replace '))!)![1];
    expect(EXAMPLE.anycast).toContain(addr);
  });

  it('withdraws after any stop, through the same include file and socket the service uses', () => {
    expect(one('ExecStopPost')).toBe(`/usr/bin/anycastd withdraw --bird-include ${EXAMPLE.birdInclude} --bird-socket ${EXAMPLE.birdSocket}`);
    expect(String(EXAMPLE.birdInclude).startsWith('/run/anycastd/')).toBe(true);
    expect(one('RuntimeDirectory')).toBe('anycastd');
    expect(one('RuntimeDirectoryPreserve')).toBe('yes');
    // The control socket lives in the runtime directory too, where the sandbox lets the service write.
    expect(EXAMPLE.controlSocket).toBe('/run/anycastd/control.sock');
    // BIRD must reach the include file; the socket's 0660 is the gate, the directory stays 0755.
    expect(one('RuntimeDirectoryMode')).toBe('0755');
    // 0644 files through the umask must stay readable by BIRD.
    expect(Number.parseInt(one('UMask'), 8) & 0o044).toBe(0);
  });

  it('stops the primary first and leaves it time to drain', () => {
    expect(one('KillMode')).toBe('mixed');
    const { drainMs } = readServeOptions({}, { path: 'systemd/anycastd.json', data: EXAMPLE });
    // Drain window, then DataWorkers.stop(2000), then slack.
    expect(spanMs(one('TimeoutStopSec'))).toBeGreaterThan(drainMs + 2000);
  });

  it('runs unprivileged with only CAP_NET_BIND_SERVICE, and hardened', () => {
    expect(one('User')).toBe('anycastd');
    expect(one('Group')).toBe('anycastd');
    expect(one('SupplementaryGroups')).toBe('bird');
    expect(one('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE');
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    for (const [k, v] of Object.entries({
      NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectKernelLogs: 'yes', ProtectControlGroups: 'yes',
      RestrictNamespaces: 'yes', RestrictRealtime: 'yes', RestrictSUIDSGID: 'yes', LockPersonality: 'yes',
      SystemCallArchitectures: 'native', RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX AF_NETLINK',
    })) expect(one(k), k).toBe(v);
    expect(service.get('SystemCallFilter')?.[0]).toBe('@system-service');
    expect(service.get('ReadWritePaths')).toContain('/run/anycastd');
    // V8's JIT needs pages that were writable to become executable: "yes" aborts node (see the README).
    expect(one('MemoryDenyWriteExecute')).toBe('no');
  });
});

describe('systemd/anycastd.json', () => {
  // Read through the options table, as `serve --config` does: an unknown key or a bad value throws.
  it('uses only keys that `serve --config` accepts, with values serveConfig takes', () => {
    const config = serveConfig(readServeOptions({}, { path: 'systemd/anycastd.json', data: EXAMPLE }));
    expect(config.control.birdInclude).toBe(EXAMPLE.birdInclude);
    // Named in the config, so a socket the service cannot create stops it instead of running without a door.
    expect(config.controlSocket).toEqual({ path: '/run/anycastd/control.sock', explicit: true });
    expect(config.control.anycast).toEqual(EXAMPLE.anycast);
    expect(config.http).not.toBeNull();
    expect(config.server.listen.map((l) => l.host)).toEqual(['192.0.2.1']);
  });
});

describe.skipIf(!ANALYZE)('systemd-analyze', () => {
  /** A copy of the unit whose /usr/bin/anycastd is a stub that exists: verify checks every Exec path. */
  function verifiableCopy(name: string, edit: (text: string) => string = (t) => t): string {
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'anycastd'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'anycastd'), 0o755);
    const path = join(scratch, name);
    writeFileSync(path, edit(UNIT.replaceAll('/usr/bin/anycastd', join(bin, 'anycastd'))));
    return path;
  }

  const verify = (path: string) => spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8', cwd: scratch });

  it('verify reports nothing at all (only the anycastd path differs from the shipped unit)', () => {
    const r = verify(verifiableCopy('anycastd.service'));
    // No allowed messages: on systemd 252 without a running manager the shipped unit verifies clean.
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('verify would catch a broken unit offline (a typo and a bad value)', () => {
    const r = verify(verifiableCopy('broken.service', (t) => t.replace('KillMode=mixed', 'KillMode=mixd').replace('WatchdogSec=', 'WatchdogSecs=')));
    expect(r.stderr).toMatch(/kill mode/i);
    expect(r.stderr).toMatch(/Unknown key 'WatchdogSecs'/);
    // And the shipped path is checked: without the stub, /usr/bin/anycastd must exist.
    const unstubbed = join(scratch, 'unstubbed.service');
    writeFileSync(unstubbed, UNIT);
    if (!existsSync('/usr/bin/anycastd')) expect(verify(unstubbed).stderr).toMatch(/\/usr\/bin\/anycastd is not executable/);
  });

  it('security --offline rates the sandbox OK (exposure <= 2.5)', () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', verifiableCopy('anycastd.service')], { encoding: 'utf8', cwd: scratch });
    const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(`${r.stdout}${r.stderr}`);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(2.5);
  });

  it('sysusers and tmpfiles create the user and a 0755 /run/anycastd it owns (into a scratch root)', () => {
    const root = join(scratch, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    const users = spawnSync('systemd-sysusers', [`--root=${root}`, join(DIR, 'anycastd.sysusers.conf')], { encoding: 'utf8' });
    expect(users.status, users.stderr).toBe(0);
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    const uid = Number(/^anycastd:x:(\d+):/m.exec(passwd)?.[1]);
    expect(uid).toBeGreaterThan(0);
    const files = spawnSync('systemd-tmpfiles', ['--create', `--root=${root}`, join(DIR, 'anycastd.tmpfiles.conf')], { encoding: 'utf8' });
    expect(files.status, files.stderr).toBe(0);
    const st = statSync(join(root, 'run/anycastd'));
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o755);
    expect(st.uid).toBe(uid);
  });
});
