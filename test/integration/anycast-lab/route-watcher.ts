// The router's FIB for the anycast prefix, read on every `ip monitor route` event and every 100 ms.

import { type ChildProcess, spawn } from 'node:child_process';
import { ANYCAST_PREFIX, type NodeName, nodeOfGateway, run, sleep } from './base.js';

export interface RouteSample {
  /** Date.now() when the `ip route` read started and ended: the route was in this state somewhere in between. */
  t0: number;
  t: number;
  hops: NodeName[];
}

export function parseRouteJson(json: string): NodeName[] {
  const routes = JSON.parse(json || '[]') as { gateway?: string; nexthops?: { gateway?: string }[] }[];
  const hops: NodeName[] = [];
  for (const r of routes) {
    const gws = r.nexthops ? r.nexthops.map((h) => h.gateway) : [r.gateway];
    for (const gw of gws) {
      const n = gw ? nodeOfGateway(gw) : null;
      if (n && !hops.includes(n)) hops.push(n);
    }
  }
  return hops.sort();
}

/**
 * Reads `ip -n ROUTER -j route show 192.0.2.1/32` whenever `ip monitor route` reports a change, and every
 * `idleMs` besides, keeping every sample. Event-driven rather than polled back to back: spawning `ip`
 * a hundred times a second cost the lab a core, and the timings it measures are what that slowed down.
 */
export class RouteWatcher {
  readonly samples: RouteSample[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  private monitor: ChildProcess | null = null;
  private wake: (() => void) | null = null;
  private dirty = true;
  errors = 0;

  constructor(private readonly ns: string, private readonly idleMs = 100) {}

  start(): void {
    this.monitor = spawn('ip', ['-n', this.ns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor.stdout!.on('data', () => {
      this.dirty = true;
      this.wake?.();
    });
    this.loop = (async () => {
      while (!this.stopped) {
        if (!this.dirty) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, this.idleMs);
            this.wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          this.wake = null;
        }
        this.dirty = false;
        const t0 = Date.now();
        const r = await run('ip', ['-n', this.ns, '-j', 'route', 'show', ANYCAST_PREFIX], 5000);
        const t = Date.now();
        if (r.code === 0) {
          try {
            this.samples.push({ t0, t, hops: parseRouteJson(r.stdout) });
          } catch {
            this.errors++;
          }
        } else {
          this.errors++;
        }
        if (this.samples.length > 200_000) this.samples.splice(0, 100_000);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.monitor?.kill();
    await this.loop;
  }

  get latest(): RouteSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** Samples whose read started at or after `since` (Date.now() ms). */
  since(since: number, until = Infinity): RouteSample[] {
    return this.samples.filter((s) => s.t0 >= since && s.t <= until);
  }

  /** The first sample started at or after `since` that satisfies pred; rejects after timeoutMs. */
  async waitFor(pred: (hops: NodeName[]) => boolean, since: number, timeoutMs: number, what: string): Promise<RouteSample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.samples.find((s) => s.t0 >= since && pred(s.hops));
      if (hit) return hit;
      if (Date.now() > deadline) {
        const last = this.latest;
        throw new Error(`router FIB: ${what} not seen within ${timeoutMs} ms (latest nexthops: ${last ? JSON.stringify(last.hops) : 'none'})`);
      }
      await sleep(10);
    }
  }

  /** Changes of the nexthop set among samples since `since`: [{t, from, to}]. */
  changes(since: number, until = Infinity): { t: number; from: NodeName[]; to: NodeName[] }[] {
    const out: { t: number; from: NodeName[]; to: NodeName[] }[] = [];
    let prev: NodeName[] | null = null;
    for (const s of this.samples) {
      if (s.t > until) break;
      if (s.t0 < since) {
        prev = s.hops;
        continue;
      }
      if (prev && prev.join(',') !== s.hops.join(',')) out.push({ t: s.t, from: prev, to: s.hops });
      prev = s.hops;
    }
    return out;
  }
}

export const has = (node: NodeName) => (hops: NodeName[]): boolean => hops.includes(node);
export const lacks = (node: NodeName) => (hops: NodeName[]): boolean => !hops.includes(node);
export const exactly = (...nodes: NodeName[]) => (hops: NodeName[]): boolean => hops.join(',') === [...nodes].sort().join(',');
