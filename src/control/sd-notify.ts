// systemd notifications (sd_notify): READY, WATCHDOG, STATUS, STOPPING; a no-op when NOTIFY_SOCKET is unset.

import { execFile } from 'node:child_process';
import type { NodeState } from '../health/state.js';

/*
 * How we send: the `systemd-notify` binary. Node has no AF_UNIX datagram sockets, and:
 * - systemd-notify ships with systemd itself, so it is there wherever the unit runs, speaks the
 *   protocol of the installed manager (abstract "@" sockets included) and needs no native build.
 * - The known race (PID 1 drops a message whose sender already exited, since it can no longer map
 *   the PID to a unit) does not arise: without --no-block, systemd-notify (252 on Debian 12) follows
 *   the message with BARRIER=1 and a pipe fd, and waits until PID 1 has read both and closed the fd.
 *   Its man page says so; test/integration/systemd/notify.test.ts sees each barrier arrive with its fd.
 * - The sender is the child, not MAINPID, hence NotifyAccess=all in the unit. --pid would fake the
 *   credentials only with CAP_SYS_ADMIN, which the service does not have.
 * - Cost: one fork+exec (about 3 ms) per message; WATCHDOG=1 every WatchdogSec/2 (1.5 s) from the
 *   control-plane primary, which is off the DNS hot path.
 * The native module unix-dgram (2.0.7, nan + node-gyp) builds here on Node 20 too, but it adds a
 * compiler and Node headers to every install for a message every 1.5 s.
 */

export interface SdNotifyLogger {
  warn(obj: object, msg: string): void;
}

export interface SdNotifyOptions {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Our PID, compared with WATCHDOG_PID. Default: process.pid. */
  pid?: number;
  /** Default: systemd-notify, found on PATH. */
  binary?: string;
  /** Per message; a stuck systemd-notify is killed after this. Default 10 s (its barrier waits 5 s). */
  timeoutMs?: number;
  log?: SdNotifyLogger;
}

export interface SdNotifier {
  /** False outside systemd (no NOTIFY_SOCKET): every method is then a no-op. */
  readonly enabled: boolean;
  /** WatchdogSec/2 in ms, or null when systemd asked for no watchdog (or for another PID's). */
  readonly watchdogIntervalMs: number | null;
  /** Sends VARIABLE=VALUE assignments as one datagram, in order after earlier ones. */
  notify(...assignments: string[]): Promise<void>;
  ready(status?: string): Promise<void>;
  status(text: string): Promise<void>;
  stopping(status?: string): Promise<void>;
  /** Starts WATCHDOG=1 pings every watchdogIntervalMs (unref'd timer); idempotent. */
  startWatchdog(): void;
  stopWatchdog(): void;
  /** Resolves when every message sent so far has been handed to systemd (or failed). */
  flush(): Promise<void>;
}

/** A STATUS= value is one line: newlines would start new assignments. */
export function statusLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1024);
}

/** WatchdogSec/2 in ms, as sd_watchdog_enabled(3) decides: WATCHDOG_USEC set, and WATCHDOG_PID (if set) is us. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isInteger(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

const noop = async (): Promise<void> => undefined;

const DISABLED: SdNotifier = {
  enabled: false,
  watchdogIntervalMs: null,
  notify: noop,
  ready: noop,
  status: noop,
  stopping: noop,
  startWatchdog: () => undefined,
  stopWatchdog: () => undefined,
  flush: noop,
};

/** The notifier for this process: the disabled one (all no-ops, nothing spawned) unless NOTIFY_SOCKET is set. */
export function createSdNotifier(opts: SdNotifyOptions = {}): SdNotifier {
  const env = opts.env ?? process.env;
  if (!env.NOTIFY_SOCKET) return DISABLED;
  const binary = opts.binary ?? 'systemd-notify';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const interval = watchdogInterval(env, opts.pid ?? process.pid);
  // Only NOTIFY_SOCKET and PATH: systemd-notify must not inherit WATCHDOG_* meant for us.
  const childEnv = { NOTIFY_SOCKET: env.NOTIFY_SOCKET, PATH: env.PATH ?? '/usr/bin:/bin' };
  let queue: Promise<void> = Promise.resolve();
  let warned = false;
  let broken = false;
  let timer: NodeJS.Timeout | null = null;
  let pingInFlight = false;

  const send = (assignments: string[]): Promise<void> =>
    new Promise((resolve) => {
      if (broken) return resolve();
      execFile(binary, assignments, { env: childEnv, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, _out, stderr) => {
        if (err) {
          // A missing binary will not appear later: stop trying. Other failures are logged once.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') broken = true;
          if (!warned) opts.log?.warn({ err: err.message, stderr: stderr.trim(), binary }, 'sd_notify failed; systemd may not see READY/WATCHDOG');
          warned = true;
        }
        resolve();
      });
    });

  const notify = (...assignments: string[]): Promise<void> => {
    queue = queue.then(() => send(assignments));
    return queue;
  };

  // Pings bypass the queue (a slow STATUS must not delay them) but never overlap each other.
  const ping = () => {
    if (pingInFlight) return;
    pingInFlight = true;
    void send(['WATCHDOG=1']).then(() => {
      pingInFlight = false;
    });
  };

  return {
    enabled: true,
    watchdogIntervalMs: interval,
    notify,
    ready: (status) => (status === undefined ? notify('READY=1') : notify('READY=1', `STATUS=${statusLine(status)}`)),
    status: (text) => notify(`STATUS=${statusLine(text)}`),
    stopping: (status) => (status === undefined ? notify('STOPPING=1') : notify('STOPPING=1', `STATUS=${statusLine(status)}`)),
    startWatchdog() {
      if (timer || interval === null) return;
      ping();
      timer = setInterval(ping, interval);
      // The pings keep nothing alive: the process exits when its real work is done.
      timer.unref();
    },
    stopWatchdog() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    flush: () => queue,
  };
}

/** The part of ControlPlane that STATUS reports. */
export interface HealthSource {
  snapshot(): { state: NodeState; reason: string; transitions: number };
  /** The latest state changes, oldest first (ControlPlane keeps the last 50). */
  readonly transitions: readonly { to: NodeState; reason: string }[];
}

/** `STATUS=<state>: <reason>` text for a health state. */
export function healthStatus(s: { state: NodeState; reason: string }): string {
  return `${s.state}: ${s.reason}`;
}

export interface ServiceNotifier {
  /** READY=1 with the current state; from then on STATUS for every health change. */
  ready(control: HealthSource): void;
  /** STOPPING=1 (systemd then waits TimeoutStopSec rather than the watchdog). */
  stopping(reason: string): void;
  readonly notifier: SdNotifier;
}

/**
 * What `serve` needs, in three calls: startServiceNotifier() starts the watchdog pings at once
 * (harmless before READY: systemd arms the watchdog when start-up completes, and TimeoutStartSec
 * covers zone loading), ready() once the workers listen, stopping() on SIGTERM. The health state is polled every pollMs (nothing in ControlPlane to subscribe to): each
 * change since the last poll becomes one STATUS, in order, so a quick up -> down -> up is not lost.
 */
export function startServiceNotifier(log?: SdNotifyLogger, opts: SdNotifyOptions & { pollMs?: number } = {}): ServiceNotifier {
  const sd = createSdNotifier({ ...opts, log });
  sd.startWatchdog();
  let poll: NodeJS.Timeout | null = null;
  let seen = 0;
  return {
    notifier: sd,
    ready(control) {
      if (!sd.enabled) return;
      const first = control.snapshot();
      seen = first.transitions;
      void sd.ready(healthStatus(first));
      poll = setInterval(() => {
        const now = control.snapshot();
        const missed = now.transitions - seen;
        if (missed <= 0) return;
        seen = now.transitions;
        const changes = control.transitions.slice(-Math.min(missed, control.transitions.length));
        for (const t of changes.slice(0, -1)) void sd.status(healthStatus({ state: t.to, reason: t.reason }));
        // The last one from the snapshot itself: it is the state now.
        void sd.status(healthStatus(now));
      }, opts.pollMs ?? 200);
      poll.unref();
    },
    stopping(reason) {
      if (!sd.enabled) return;
      if (poll) clearInterval(poll);
      void sd.stopping(`stopping: ${reason}`);
    },
  };
}
