// The lab's constants (addresses, ASes, paths) and its process helpers: run a command, own a process group.

import { type ChildProcess, execFile, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CLI = join(REPO, 'dist/cli/main.js');
export const AGENT = fileURLToPath(new URL('./ns-agent.mjs', import.meta.url));

export const ANYCAST = '192.0.2.1';
export const ANYCAST_PREFIX = `${ANYCAST}/32`;
export const ZONE = 'lab.test';
export const HTTP_PORT = 8053;
export const HTTP = `127.0.0.1:${HTTP_PORT}`;
export const ROUTER_AS = 65000;

export type NodeName = 'node1' | 'node2' | 'node3';
export const NODES: readonly NodeName[] = ['node1', 'node2', 'node3'];

/** Link addresses (RFC 2544 benchmarking range, only inside the namespaces): router .1, node .2 of 198.18.N.0/30. */
export function nodeIndex(node: NodeName): number {
  return Number(node.slice(4));
}
export const routerAddr = (node: NodeName): string => `198.18.${nodeIndex(node)}.1`;
export const nodeAddr = (node: NodeName): string => `198.18.${nodeIndex(node)}.2`;
export const nodeAs = (node: NodeName): number => 65000 + nodeIndex(node);
/** Which node a router nexthop (gateway) leads to. */
export function nodeOfGateway(gw: string): NodeName | null {
  const m = /^198\.18\.(\d)\.2$/.exec(gw);
  return m ? (`node${m[1]}` as NodeName) : null;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion (bounded by timeoutMs); never throws for a non-zero exit. */
export function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const errCode = (err as { code?: unknown } | null)?.code;
      const code = err ? (typeof errCode === 'number' ? errCode : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: performance.now() - t0 });
    });
  });
}

/** Like run(), but a non-zero exit is an error. */
export async function must(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
}

/** A process started detached (its own process group), so it and all its children can be killed at once. */
export class GroupProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(readonly name: string, readonly proc: ChildProcess) {
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** kill -9 of the whole process group (the primary and its forked workers), then waits until all are gone. */
  async kill9(): Promise<void> {
    killGroup(this.pid, 'SIGKILL');
    await this.exited;
    // Children (cluster workers) are in the same group; wait for them too.
    for (let i = 0; i < 100 && groupMembers(this.pid).length > 0; i++) await sleep(20);
  }

  /** SIGTERM to the leader only (as systemd's KillMode=mixed does first), SIGKILL of the group after graceMs. */
  async term(graceMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const t0 = performance.now();
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      // gone
    }
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    killGroup(this.pid, 'SIGKILL');
    return { ...info, ms: performance.now() - t0 };
  }

  /** Teardown: whatever state it is in, nothing of it survives. */
  destroy(): void {
    killGroup(this.pid, 'SIGKILL');
  }
}

/** Pids in process group pgid (from /proc, so it sees processes in every network namespace). */
export function groupMembers(pgid: number): number[] {
  const r = spawnSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}
