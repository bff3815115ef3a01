// Helpers for the thread-mode tests: spawn `serve` with the running Node, poll HTTP, query over UDP.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT, freePort } from '../support/server.js';
import { sleep } from '../support/wait.js';
import { controlCall } from '../../../src/control/control-client.js';

export { metric } from '../support/metrics.js';

export interface Service {
  dir: string;
  port: number;
  httpPort: number;
  proc: ChildProcess;
  log: () => string;
  http(path: string): Promise<string>;
  /** A control-socket command (debug-block, debug-crash, reload, ...). */
  control(cmd: Parameters<typeof controlCall>[1], args?: Record<string, number>): Promise<unknown>;
  /** The data process (thread mode has exactly one child). */
  dataPid(): number;
  rssKiB(pid: number): number;
  stop(): Promise<void>;
}

/** Starts `anycastd serve --worker-mode threads` on free ports with the zones given (file name -> copied from zones/ or written). */
export async function startThreads(args: string[], zone = 'example.test.zone'): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'anycastd-threads-'));
  if (zone) copyFileSync(join(REPO_ROOT, 'zones', zone), join(dir, zone));
  const sockDir = mkdtempSync(join(tmpdir(), 'anycastd-threads-ctl-'));
  const socket = join(sockDir, 'control.sock');
  const port = await freePort();
  const httpPort = await freePort();
  let log = '';
  const proc = spawn(process.execPath, [
    CLI, 'serve', '--zones', dir, '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`, '--worker-mode', 'threads',
    '--debug-endpoints', '--nsid', 'thr', '--control-socket', socket, ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  });
  const http = (path: string) => fetch(`http://127.0.0.1:${httpPort}${path}`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text());
  return {
    dir, port, httpPort, proc, http,
    control: (cmd, args = {}) => controlCall(socket, cmd, args),
    log: () => log,
    dataPid: () => Number(execFileSync('pgrep', ['-P', String(proc.pid)]).toString().trim().split('\n')[0]),
    rssKiB: (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(sockDir, { recursive: true, force: true });
    },
  };
}
