// BIRD in the lab: per-namespace configs, start/stop by pid file, and reading its routes.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANYCAST_PREFIX, GroupProcess, alive, must, run, sleep } from './base.js';

export interface BirdRoute {
  proto: string;
  primary: boolean;
  asPath: number[];
}

/** Parses `birdc show route for P all`: one entry per route, with its protocol and AS path. */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const out: BirdRoute[] = [];
  for (const line of text.split('\n')) {
    const m = /\s(?:unicast|blackhole|unreachable|prohibited)\s+\[(\S+)\s[^\]]*\]\s*(\*)?/.exec(line);
    if (m) {
      out.push({ proto: m[1], primary: m[2] === '*', asPath: [] });
      continue;
    }
    const p = /BGP\.as_path:\s*(.*)$/.exec(line);
    if (p && out.length) out[out.length - 1].asPath = p[1].trim().split(/\s+/).filter(Boolean).map(Number);
  }
  return out;
}

export class Bird {
  proc: GroupProcess | null = null;
  readonly ctl: string;
  readonly pidFile: string;
  readonly logFile: string;

  constructor(readonly ns: string, readonly dir: string, readonly conf: string) {
    this.ctl = join(dir, 'bird.ctl');
    this.pidFile = join(dir, 'bird.pid');
    this.logFile = join(dir, 'bird.log');
  }

  /** `bird -f -c CONF -s SOCK -P PID` inside the namespace (foreground, so we reap it); waits for its socket. */
  async start(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    const proc = spawn('ip', ['netns', 'exec', this.ns, 'bird', '-f', '-c', this.conf, '-s', this.ctl, '-P', this.pidFile], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    closeSync(out);
    this.proc = new GroupProcess(`bird ${this.ns}`, proc);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.proc.running) throw new Error(`bird in ${this.ns} exited at start: ${this.log()}`);
      const r = await run('birdc', ['-s', this.ctl, 'show', 'status'], 2000);
      if (r.code === 0 && /Daemon is up and running/.test(r.stdout)) return;
      await sleep(50);
    }
    throw new Error(`bird in ${this.ns} did not come up: ${this.log()}`);
  }

  pid(): number | null {
    try {
      return Number(readFileSync(this.pidFile, 'utf8').trim()) || null;
    } catch {
      return this.proc?.pid ?? null;
    }
  }

  /** kill -9 (by pid file), and waits until it is gone. */
  async kill9(): Promise<void> {
    const pid = this.pid();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    if (this.proc) await this.proc.exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid && alive(pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    if (this.proc) {
      const t = setTimeout(() => this.proc?.destroy(), 3000);
      await this.proc.exited;
      clearTimeout(t);
    }
    this.proc = null;
  }

  birdc(...args: string[]): Promise<string> {
    return must('birdc', ['-s', this.ctl, ...args], 5000);
  }

  async routes(prefix = ANYCAST_PREFIX): Promise<BirdRoute[]> {
    return parseBirdRoutes(await this.birdc('show', 'route', 'for', prefix, 'all'));
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  }
}
