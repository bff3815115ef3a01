// 2,000 HTTP connections plus slowloris clients against --http: the health loop keeps its pace, the node stays up.

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, type RunningServer, freePort, startServer } from '../support/server.js';
import { controlCall } from '../../../src/control/control-client.js';

const FLOOD_MODULE = fileURLToPath(new URL('./http-flood.mjs', import.meta.url));

/** The flood runs in its own process, so the watcher and the "normal client" below are not stuck behind it. */
function floodProcess(args: { host: string; port: number; connections: number; slowloris: number; durationMs: number }): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const code = `import { httpFlood } from ${JSON.stringify(FLOOD_MODULE)};\nconsole.log(JSON.stringify(await httpFlood(${JSON.stringify(args)})));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), args.durationMs + 20_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      if (status === 0) resolve(JSON.parse(out) as Record<string, number>);
      else reject(new Error(`flood process exited ${status}: ${err}`));
    });
  });
}

interface Status {
  state: string;
  transitions: unknown[];
  lastCheck: { at: number; durationMs: number; selfCheck: { ok: boolean } } | null;
  controlLoop?: { p99Ms: number; maxMs: number };
}

interface Watch {
  states: Set<string>;
  rounds: number[];
  loopMaxMs: number[];
  failedChecks: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHECK_INTERVAL_MS = 200;
const FLOOD_MS = 8000;

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const summary = (xs: number[]) => `p50 ${pct(xs, 50)} ms, p99 ${pct(xs, 99)} ms, max ${Math.max(...xs)} ms (n=${xs.length})`;

describe('HTTP flood (real serve, HTTP in its own thread)', () => {
  let server: RunningServer;
  let httpPort: number;

  beforeAll(async () => {
    httpPort = await freePort();
    server = await startServer({
      args: ['--http', `${HOST}:${httpPort}`, '--check-interval', String(CHECK_INTERVAL_MS), '--rise', '2', '--fall', '2', '--hold-down', '0'],
    });
    const deadline = Date.now() + 10_000;
    while ((await controlCall<Status>(server.controlSocket, 'status')).state !== 'up') {
      if (Date.now() > deadline) throw new Error('node not up');
      await sleep(50);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Polls the control socket (not the flooded port) until stop(): every round's time, the primary's loop lag, each state. */
  function watch() {
    const w: Watch = { states: new Set(), rounds: [], loopMaxMs: [], failedChecks: 0 };
    let lastAt = 0;
    let running = true;
    const done = (async () => {
      while (running) {
        const s = await controlCall<Status>(server.controlSocket, 'status', {}, 5000);
        w.states.add(s.state);
        if (s.lastCheck && s.lastCheck.at !== lastAt) {
          lastAt = s.lastCheck.at;
          w.rounds.push(s.lastCheck.durationMs);
          if (!s.lastCheck.selfCheck.ok) w.failedChecks++;
          if (s.controlLoop) w.loopMaxMs.push(s.controlLoop.maxMs);
        }
        await sleep(CHECK_INTERVAL_MS / 2);
      }
    })();
    return { w, stop: async () => ((running = false), await done, w) };
  }

  it('keeps the node up with no route change, and /healthz answers within 1 s once the flood ends', async () => {
    const before = await controlCall<Status>(server.controlSocket, 'status');
    const calm = watch();
    await sleep(2000);
    const baseline = await calm.stop();

    const loaded = watch();
    const flood = await floodProcess({ host: HOST, port: httpPort, connections: 2000, slowloris: 200, durationMs: FLOOD_MS });
    const underFlood = await loaded.stop();

    const t0 = performance.now();
    const res = await fetch(`http://${HOST}:${httpPort}/healthz`, { signal: AbortSignal.timeout(5000) });
    const healthzMs = Math.round(performance.now() - t0);
    const after = await controlCall<Status>(server.controlSocket, 'status');

    console.log(
      [
        `HTTP flood: ${JSON.stringify(flood)}`,
        `self-check round, calm:  ${summary(baseline.rounds)}`,
        `self-check round, flood: ${summary(underFlood.rounds)}`,
        `primary loop lag max per round, calm:  ${summary(baseline.loopMaxMs)}`,
        `primary loop lag max per round, flood: ${summary(underFlood.loopMaxMs)}`,
        `states seen under flood: ${[...underFlood.states].join(',')}; failed checks ${underFlood.failedChecks}`,
        `/healthz after the flood: HTTP ${res.status} in ${healthzMs} ms`,
      ].join('\n'),
    );

    // The flood really reached the port: thousands of connections, the cap and the header timeout both at work.
    expect(flood.connects).toBeGreaterThan(2000);
    expect(flood.slowlorisCut).toBeGreaterThan(0);
    expect([...underFlood.states], `failed checks ${underFlood.failedChecks}, rounds ${summary(underFlood.rounds)}`).toEqual(['up']);
    expect(after.state).toBe('up');
    expect(after.transitions).toEqual(before.transitions);
    expect(underFlood.rounds.length).toBeGreaterThan(FLOOD_MS / CHECK_INTERVAL_MS / 3);
    expect(res.status).toBe(200);
    expect(healthzMs, `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`).toBeLessThan(1000);
    expect(server.alive()).toBe(true);
  });
});
