// Runs vtysh with a hard timeout (a hung bgpd hangs vtysh too) and sorts its failures into kinds.

import { spawn } from 'node:child_process';

/** Why an FRR operation failed; also the label of the failure counters. */
export type FrrErrorKind = 'timeout' | 'absent' | 'bgpd-down' | 'locked' | 'command' | 'not-verified' | 'other';
export const FRR_ERROR_KINDS: readonly FrrErrorKind[] = ['timeout', 'absent', 'bgpd-down', 'locked', 'command', 'not-verified', 'other'];

export interface VtyshOutput {
  /** Exit code; null when killed (timeout) or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** errno when vtysh could not be started (ENOENT, EACCES). */
  spawnError?: string;
}

/**
 * Runs one vtysh invocation: each command becomes a `-c` argument, in order, in one session. `daemon` (`-d`) talks
 * to that daemon only: vtysh then skips connecting to (and configuring) zebra and the rest.
 */
export type VtyshRunner = (commands: readonly string[], timeoutMs: number, daemon?: string) => Promise<VtyshOutput>;

/** `command` is the vtysh path, optionally with its own arguments ("vtysh --vty_socket /run/frr-lab"). */
export function vtyshRunner(command: string): VtyshRunner {
  const [file, ...baseArgs] = command.trim().split(/\s+/);
  return (commands, timeoutMs, daemon) =>
    new Promise<VtyshOutput>((resolve) => {
      const start = performance.now();
      const args = daemon ? [...baseArgs, '-d', daemon] : [...baseArgs];
      for (const c of commands) args.push('-c', c);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let settled = false;
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const finish = (out: Partial<VtyshOutput>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ code: null, stdout, stderr, timedOut, durationMs: performance.now() - start, ...out });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
        finish({ code: null });
      }, timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err: NodeJS.ErrnoException) => finish({ spawnError: err.code ?? err.message }));
      child.on('close', (code) => finish({ code }));
    });
}

export interface VtyshFailure {
  kind: FrrErrorKind;
  message: string;
}

/** null when the run succeeded; otherwise what went wrong, in the words of vtysh where it gave any. */
export function vtyshFailure(out: VtyshOutput, timeoutMs: number): VtyshFailure | null {
  if (out.spawnError) return { kind: 'absent', message: `vtysh could not be started: ${out.spawnError}` };
  if (out.timedOut) return { kind: 'timeout', message: `vtysh did not finish within ${timeoutMs} ms (bgpd hung?)` };
  const text = `${out.stdout}\n${out.stderr}`;
  const said = firstComplaint(text);
  if (/bgpd is not running/i.test(text)) return { kind: 'bgpd-down', message: 'bgpd is not running' };
  if (/locked by other VTY|configuration is locked/i.test(text)) return { kind: 'locked', message: said ?? 'the configuration is locked by another vtysh' };
  if (out.code === 0 && said === null) return null;
  if (/Exiting: failed to connect|failed to connect to any daemons/i.test(text)) return { kind: 'bgpd-down', message: said ?? 'vtysh reached no daemon' };
  return { kind: said ? 'command' : 'other', message: said ?? `vtysh exited with ${out.code}: ${text.trim().slice(0, 200)}` };
}

/** The first line vtysh uses to refuse something ("% Unknown command: ...", "staticd is not running"). */
function firstComplaint(text: string): string | null {
  for (const line of text.split('\n')) {
    const l = line.trim();
    // The service user (group frrvty) may not read /etc/frr/vtysh.conf; vtysh says so and carries on.
    if (/^% Can't open configuration file/.test(l)) continue;
    if (l.startsWith('%') || /is not running$/.test(l)) return l;
  }
  return null;
}
