// Operator commands: status, drain, undrain, reload over the control socket; status also over a node's read-only --http.

import { controlCall } from '../control/control-client.js';

interface Status {
  state: string;
  reason: string;
  routing: string;
  qps: number;
  draining: boolean;
  waitingFor: string | null;
  zones: { origin: string | null; file: string; serial: number | null; records: number; loadedAt: number | null; lastError: string | null }[];
  bird: { written: { state: string } | null; lastReload: { ok: boolean; at: number; code?: number } | null; lastError: { message: string } | null } | null;
  frr?: { desired: { state: string } | null; applied: boolean; localAs: number | null; lastSuccessAt: number | null; lastError: { message: string } | null; pending: string[] } | null;
}

/** Where the CLI talks to the service: its control socket (everything), or a node's --http (status only, read-only). */
export type Door = { kind: 'socket'; path: string } | { kind: 'http'; addr: string };

async function httpStatus(addr: string, timeoutMs = 5000): Promise<Status> {
  let res: Response;
  try {
    res = await fetch(`http://${addr}/status`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`cannot reach anycastd at ${addr} (is it running with --http ${addr}?): ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`GET /status: HTTP ${res.status}`);
  return (await res.json()) as Status;
}

function readStatus(door: Door): Promise<Status> {
  return door.kind === 'http' ? httpStatus(door.addr) : controlCall<Status>(door.path, 'status');
}

export function formatStatus(s: Status): string {
  const lines = [`state: ${s.state} (${s.routing})  ${s.reason}`];
  if (s.waitingFor) lines.push(`waiting for: ${s.waitingFor}`);
  lines.push(`query rate: ${s.qps.toFixed(1)} qps${s.draining ? '  [draining]' : ''}`);
  if (s.bird) {
    const r = s.bird.lastReload;
    lines.push(`bird: include says ${s.bird.written?.state ?? '-'}; last reload ${r ? `${r.ok ? 'ok' : 'FAILED'} at ${new Date(r.at).toISOString()}` : 'never'}${s.bird.lastError ? `; last error: ${s.bird.lastError.message}` : ''}`);
  }
  if (s.frr) {
    const f = s.frr;
    const last = f.lastSuccessAt ? new Date(f.lastSuccessAt).toISOString() : 'never';
    lines.push(`frr: want ${f.desired?.state ?? '-'} (AS ${f.localAs ?? '?'}); ${f.applied ? 'shown by bgpd' : 'NOT shown by bgpd yet'}; last success ${last}${f.lastError ? `; last error: ${f.lastError.message}` : ''}`);
  }
  lines.push('zones:');
  for (const z of s.zones) {
    const loaded = z.loadedAt ? new Date(z.loadedAt).toISOString() : '-';
    lines.push(`  ${z.origin ?? '(not loaded)'}  serial ${z.serial ?? '-'}  records ${z.records}  loaded ${loaded}  ${z.file}`);
    if (z.lastError) lines.push(`    error: ${z.lastError}`);
  }
  return lines.join('\n');
}

export async function runStatus(door: Door, json: boolean): Promise<number> {
  const s = await readStatus(door);
  console.log(json ? JSON.stringify(s, null, 2) : formatStatus(s));
  return 0;
}

export async function runReload(socket: string): Promise<number> {
  console.log(formatStatus(await controlCall<Status>(socket, 'reload', {}, 120_000)));
  return 0;
}

export async function runUndrain(socket: string): Promise<number> {
  const s = await controlCall<Status>(socket, 'undrain');
  console.log(`undrained: ${s.state} (${s.reason}); the route returns after the rise count`);
  return 0;
}

/** Exit codes of `drain`: 0 drained, 3 timed out with traffic still arriving. */
export const DRAIN_EXIT = { drained: 0, timeout: 3 } as const;

/** Withdraws, then waits until the query rate is about zero (routers moved the traffic) or the timeout passes. */
export async function runDrain(socket: string, timeoutMs: number, maxQps: number): Promise<number> {
  let s = await controlCall<Status>(socket, 'drain');
  console.log(`withdrawn: ${s.state} (${s.routing}); waiting for traffic to stop (<= ${maxQps} qps, timeout ${timeoutMs / 1000} s)`);
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    s = await controlCall<Status>(socket, 'status');
    // Two calm readings in a row: one could fall between two bursts.
    calm = s.qps <= maxQps ? calm + 1 : 0;
    if (calm >= 2) {
      console.log(`drained: ${s.qps.toFixed(1)} qps`);
      return DRAIN_EXIT.drained;
    }
    if (Date.now() >= deadline) {
      console.log(`timeout: still ${s.qps.toFixed(1)} qps after ${timeoutMs / 1000} s (route withdrawn; traffic still arriving)`);
      return DRAIN_EXIT.timeout;
    }
  }
}
