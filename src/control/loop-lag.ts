// The primary's own event-loop delay, per window (one health round): proof that HTTP load does not stall the health loop.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLagWindow {
  p99Ms: number;
  maxMs: number;
}

export class LoopLag {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private last: LoopLagWindow = { p99Ms: 0, maxMs: 0 };

  constructor() {
    this.histogram.enable();
  }

  /** Closes the current window and starts the next; the figures exclude the 10 ms sampling resolution. */
  take(): LoopLagWindow {
    const h = this.histogram;
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - 10) * 10) / 10);
    this.last = h.count > 0 ? { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) } : this.last;
    h.reset();
    return this.last;
  }

  get latest(): LoopLagWindow {
    return this.last;
  }

  stop(): void {
    this.histogram.disable();
  }
}
