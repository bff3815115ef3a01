// Event-loop lag (p99 and max, ms) and utilisation over the last window, reset at each sample.

import { type RecordableHistogram, createHistogram, performance } from 'node:perf_hooks';
import type { LagWindow } from '../contract/lag-window.js';

/**
 * Why not perf_hooks.monitorEventLoopDelay: its reset() also forgets the previous tick, so the first
 * interval after a reset is never recorded. Measured on Node 20: a 200 ms busy-wait right after
 * reset() leaves max at 10 ms. A per-window reset would thus hide exactly the stall that straddles a
 * window boundary. The same libuv timer measurement is done here with one unref'd interval timer
 * (100 callbacks/s at the default resolution, negligible next to the query path) feeding a
 * perf_hooks histogram, and the tick time survives resets. ELU comes from
 * performance.eventLoopUtilization() deltas.
 */
export class LagMonitor {
  private readonly resolutionMs: number;
  private readonly histogram: RecordableHistogram = createHistogram();
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private windowStart = 0;
  private eluMark = performance.eventLoopUtilization();

  constructor(opts: { resolutionMs?: number } = {}) {
    const resolution = opts.resolutionMs ?? 10;
    if (!Number.isFinite(resolution) || resolution < 1) throw new RangeError('resolutionMs must be >= 1');
    this.resolutionMs = resolution;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer !== null) return;
    this.histogram.reset();
    this.lastTick = this.windowStart = performance.now();
    this.eluMark = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.tick(performance.now()), this.resolutionMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** Figures since the previous sample() (or start()), then a new window begins. */
  sample(): LagWindow {
    const now = performance.now();
    // A stall still in progress (the timer has not fired yet) counts too.
    if (this.timer !== null && now - this.lastTick > this.resolutionMs) this.tick(now);
    const h = this.histogram;
    const samples = h.count;
    const window: LagWindow = {
      lagP99Ms: samples > 0 ? h.percentile(99) / 1000 : 0,
      lagMaxMs: samples > 0 ? h.max / 1000 : 0,
      elu: performance.eventLoopUtilization(this.eluMark).utilization,
      windowMs: now - this.windowStart,
      samples,
    };
    h.reset();
    this.windowStart = now;
    this.eluMark = performance.eventLoopUtilization();
    return window;
  }

  private tick(now: number): void {
    const lateMs = now - this.lastTick - this.resolutionMs;
    this.lastTick = now;
    // Microseconds, and at least 1: the histogram only takes integers >= 1.
    this.histogram.record(Math.max(1, Math.round(lateMs * 1000)));
  }
}
