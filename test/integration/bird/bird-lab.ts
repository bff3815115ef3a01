// Test helper: starts and stops real BIRD 2 daemons on temp sockets, and polls them until a condition holds.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { BirdControl } from '../../../src/bird/control-socket.js';

export function birdAvailable(): boolean {
  return spawnSync('bird', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** `bird -p -c FILE`: parse only. */
export function birdParse(conf: string): { ok: boolean; output: string } {
  const r = spawnSync('bird', ['-p', '-c', conf], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

export interface RunningBird {
  name: string;
  ctl: string;
  pidFile: string;
  proc: ChildProcess;
  client: BirdControl;
  /** The pid BIRD wrote to its pid file. */
  pid(): number;
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** Starts `bird -f -c CONF -s SOCK -P PID` (foreground, so this process reaps it) and waits for its socket. */
export async function startBird(dir: string, name: string, conf: string): Promise<RunningBird> {
  const ctl = join(dir, `${name}.ctl`);
  const pidFile = join(dir, `${name}.pid`);
  const proc = spawn('bird', ['-f', '-c', conf, '-s', ctl, '-P', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const client = new BirdControl({ socketPath: ctl, timeoutMs: 1000 });
  const ready = await waitFor(async () => (await client.command('show status')).code === 13, 5000).catch(() => false);
  if (!ready) {
    proc.kill('SIGKILL');
    throw new Error(`bird ${name} did not start: ${stderr}`);
  }
  const pid = (): number => Number(readFileSync(pidFile, 'utf8').trim());
  return {
    name,
    ctl,
    pidFile,
    proc,
    client,
    pid,
    signal: (sig) => process.kill(pid(), sig),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        const p = existsSync(pidFile) ? pid() : proc.pid!;
        process.kill(p, 'SIGCONT');
        process.kill(p, 'SIGTERM');
      } catch {
        // already gone
      }
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `check` every 20 ms until it returns true; resolves with the elapsed ms, rejects after timeoutMs. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  let last: unknown;
  while (performance.now() - t0 < timeoutMs) {
    try {
      if (await check()) return performance.now() - t0;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** A TCP port free on `host` right now. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
