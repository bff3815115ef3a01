// BIRD behind the routing-controller interface: the include-file announcer, re-applied while BIRD lags the wish.

import { BirdAnnouncer, type AnnouncerLogger, type AnnouncerOptions, type AnnouncerStatus } from './announcer.js';
import type { RoutingController, RoutingResult, RoutingSpec, RoutingStatus } from '../routing/controller.js';

export class BirdRouting implements RoutingController {
  readonly router = 'bird' as const;
  readonly announcer: BirdAnnouncer;

  constructor(opts: AnnouncerOptions & { logger?: AnnouncerLogger }) {
    this.announcer = new BirdAnnouncer(opts);
  }

  async apply(spec: RoutingSpec): Promise<RoutingResult> {
    const r = await this.announcer.apply({ ...spec, med: spec.med ?? null });
    return { applied: r.written && r.reloaded, superseded: r.superseded, error: r.error, errorKind: r.errorKind, attempts: r.attempts, durationMs: r.durationMs };
  }

  /** The include file lags the state (BIRD was absent, a write failed): try again. */
  async reconcile(spec: RoutingSpec): Promise<RoutingResult | null> {
    const s = this.announcer.status();
    if (s.busy) return null;
    if (s.written?.state === spec.state && s.lastReload?.ok === true) return null;
    return this.apply(spec);
  }

  /** BIRD's own counters (the anycastd_bird_* metrics and /status "bird"). */
  birdStatus(): AnnouncerStatus {
    return this.announcer.status();
  }

  status(): RoutingStatus {
    const s = this.announcer.status();
    return {
      router: 'bird',
      desired: s.written,
      applied: s.lastReload?.ok === true,
      lastSuccessAt: s.lastSuccessAt,
      lastError: s.lastError,
      busy: s.busy,
    };
  }
}
