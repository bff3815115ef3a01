// The inputs of one health evaluation round, and how a round folds into operator intent and measured health.

/** UDP and TCP self queries (SOA of every loaded zone) all answered as expected, or why not. */
export interface SelfCheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Load figures judged against thresholds (see overload.ts), or why not overloaded. */
export interface OverloadResult {
  readonly overloaded: boolean;
  readonly detail: string;
}

/** Everything the state machine sees once per check interval. Time is passed in, never read. */
export interface CheckRound {
  /** ms, monotonic (the caller's clock; the state machine only compares these). */
  readonly at: number;
  /** At least one zone is compiled and serving. */
  readonly zonesLoaded: boolean;
  readonly selfCheck: SelfCheckResult;
  readonly overload: OverloadResult;
  /** Operator drain (`anycastd drain`) or the maintenance file exists. */
  readonly draining: boolean;
  /** SIGTERM or shutdown in progress. */
  readonly stopping: boolean;
}

/** What the operator wants, independent of how the node measures. Stop wins over drain. */
export type Intent = 'stop' | 'drain' | 'serve';

export function intentOf(round: CheckRound): Intent {
  if (round.stopping) return 'stop';
  if (round.draining) return 'drain';
  return 'serve';
}

/**
 * What the checks measured. Precedence: no zone > failed self-check > overload > good, because a
 * node that cannot answer must be withdrawn whatever its load says.
 */
export type Health =
  | { readonly kind: 'no-zones' }
  | { readonly kind: 'failed'; readonly detail: string }
  | { readonly kind: 'overloaded'; readonly detail: string }
  | { readonly kind: 'good'; readonly detail: string };

export function healthOf(round: CheckRound): Health {
  if (!round.zonesLoaded) return { kind: 'no-zones' };
  if (!round.selfCheck.ok) return { kind: 'failed', detail: round.selfCheck.detail };
  if (round.overload.overloaded) return { kind: 'overloaded', detail: round.overload.detail };
  return { kind: 'good', detail: round.selfCheck.detail };
}

/** Healthy means the node answers correctly: zones loaded and self-check ok, overloaded or not. */
export function isHealthy(health: Health): boolean {
  return health.kind === 'good' || health.kind === 'overloaded';
}
