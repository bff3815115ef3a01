// One window of a data path's event-loop lag and utilisation: what it reports, and what overload is judged from.

export interface LagWindow {
  /** p99 of how late the probe timer fired, ms (0 when the loop keeps up). */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Event-loop utilisation over the window, 0..1. */
  readonly elu: number;
  readonly windowMs: number;
  /** Lag samples in the window; a window with few samples means the loop was blocked. */
  readonly samples: number;
}
