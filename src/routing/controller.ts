// The one interface the control plane steers a routing daemon through (BIRD or FRR): apply a state, reconcile, report.

export type RouteState = 'announce' | 'deprefer' | 'withdraw';
export type RouterKind = 'bird' | 'frr';
export const ROUTER_KINDS: readonly RouterKind[] = ['bird', 'frr'];

/** What the node wants the routers to see for its anycast prefixes. */
export interface RoutingSpec {
  state: RouteState;
  /** IPv4 and IPv6 CIDR, e.g. 192.0.2.1/32. */
  prefixes: string[];
  /** Extra copies of our AS on the path when de-preferred (0 = none). */
  prependCount: number;
  /** MED set when de-preferred; null leaves it alone. */
  med?: number | null;
  /** Why this state (logs, comments). */
  reason: string;
}

export interface RoutingResult {
  /** The daemon shows the state now (BIRD reloaded the file; FRR's config read back matches). */
  applied: boolean;
  /** A newer apply() arrived before this one started; this state was never applied. */
  superseded?: boolean;
  error?: string;
  /** Failure label, also the metric label: timeout, absent, refused-config, command, not-verified, ... */
  errorKind?: string;
  attempts: number;
  durationMs: number;
}

/** The daemon-independent part of /status; each daemon adds its own details. */
export interface RoutingStatus {
  router: RouterKind;
  /** The state last handed to the daemon, and whether it was confirmed. */
  desired: { state: RouteState; reason: string; at: number } | null;
  applied: boolean;
  lastSuccessAt: number | null;
  lastError: { at: number; kind: string; message: string } | null;
  busy: boolean;
}

export interface RoutingController {
  readonly router: RouterKind;
  /** Applies `spec`; serialised and coalescing (only the newest waiting spec runs). Never rejects. */
  apply(spec: RoutingSpec): Promise<RoutingResult>;
  /**
   * Called every health round with the current wish: re-applies when the daemon lags it (a failed
   * apply, a daemon restarted without our objects). Never blocks on a busy controller. Never rejects.
   * Resolves with the re-apply's result, or null when nothing was needed.
   */
  reconcile(spec: RoutingSpec): Promise<RoutingResult | null>;
  status(): RoutingStatus;
}
