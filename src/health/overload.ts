// Decides whether the node is overloaded from its load figures; pure, so the thresholds are easy to test.

import type { OverloadResult } from './check-result.js';

/** Load figures of one check window, as the data path and the lag monitor report them. */
export interface LoadFigures {
  /** Event-loop lag p99 over the window, ms beyond the timer's due time. */
  readonly lagP99Ms: number;
  /** Event-loop utilisation over the window, 0..1. */
  readonly elu: number;
  /** Queries per second answered over the window (all transports). */
  readonly qps: number;
  /** Configured capacity; null when the operator set none. */
  readonly capacityQps: number | null;
  readonly rssBytes: number;
  /** Memory budget; null when the operator set none. */
  readonly maxRssBytes: number | null;
}

export interface OverloadThresholds {
  /** `--max-lag-ms`: lag p99 strictly above this is overload. */
  readonly maxLagMs: number;
  /** ELU strictly above this is overload; null disables the ELU rule. */
  readonly maxElu: number | null;
}

/**
 * ELU alone reaches 1 on a busy but healthy single-threaded server, so the default only trips when
 * the loop has essentially no idle time left.
 */
export const DEFAULT_MAX_ELU = 0.97;

/**
 * Overloaded when any figure is over its limit. The detail names every limit crossed (or, when
 * none is, the figures themselves) so the state machine's reason says exactly why. A figure that is
 * not a finite number (for example no lag samples yet) never counts as overload: not knowing is not
 * evidence of load, and overload never withdraws anyway.
 */
export function judgeOverload(f: LoadFigures, t: OverloadThresholds): OverloadResult {
  const over: string[] = [];
  if (exceeds(f.lagP99Ms, t.maxLagMs)) over.push(`event-loop lag p99 ${ms(f.lagP99Ms)} > ${ms(t.maxLagMs)}`);
  if (t.maxElu !== null && exceeds(f.elu, t.maxElu)) over.push(`ELU ${ratio(f.elu)} > ${ratio(t.maxElu)}`);
  if (f.capacityQps !== null && exceeds(f.qps, f.capacityQps)) {
    over.push(`query rate ${Math.round(f.qps)} qps > capacity ${Math.round(f.capacityQps)} qps`);
  }
  if (f.maxRssBytes !== null && exceeds(f.rssBytes, f.maxRssBytes)) {
    over.push(`memory rss ${mib(f.rssBytes)} > ${mib(f.maxRssBytes)}`);
  }
  if (over.length > 0) return { overloaded: true, detail: over.join(', ') };
  return { overloaded: false, detail: describeLoad(f) };
}

/** One line with every figure, for /status and for the "not overloaded" detail. */
export function describeLoad(f: LoadFigures): string {
  const parts = [`lag p99 ${ms(f.lagP99Ms)}`, `ELU ${ratio(f.elu)}`];
  parts.push(f.capacityQps === null ? `${Math.round(f.qps)} qps` : `${Math.round(f.qps)}/${Math.round(f.capacityQps)} qps`);
  parts.push(f.maxRssBytes === null ? `rss ${mib(f.rssBytes)}` : `rss ${mibNumber(f.rssBytes)}/${mib(f.maxRssBytes)}`);
  return parts.join(', ');
}

function exceeds(value: number, limit: number): boolean {
  return Number.isFinite(value) && value > limit;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))} ms`;
}

function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${mibNumber(bytes)} MiB` : 'n/a';
}

function mibNumber(bytes: number): string {
  return Number.isFinite(bytes) ? String(Math.round(bytes / 1048576)) : 'n/a';
}
