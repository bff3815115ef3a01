// The control plane's secondary zones: starts each one's refresh cycle, takes NOTIFYs from the workers, and tells
// the workers what changed (a new file in --xfr-dir to load, zones that expired and must answer SERVFAIL).

import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SecondaryConfig } from './secondary-config.js';
import { SecondaryZone, type SecondaryZoneStatus, type TransferCounts } from './secondary-zone.js';

export interface SecondaryUpdate {
  /** Origins past their expiry: the workers answer SERVFAIL for them. */
  expired: string[];
}

export class Secondaries {
  readonly zones = new Map<string, SecondaryZone>();
  notifiesAccepted = 0;
  private pending: NodeJS.Timeout | null = null;

  constructor(
    readonly config: SecondaryConfig,
    private readonly tell: (update: SecondaryUpdate) => void,
    private readonly log: Logger,
  ) {
    for (const source of config.zones) this.add(source, null);
  }

  private add(source: SecondaryConfig['zones'][number], catalog: string | null): SecondaryZone {
    const key = source.keyName ? this.config.keys.find((k) => k.name === source.keyName) ?? null : null;
    const zone = new SecondaryZone({ source, key, dir: this.config.dir, catalog, onChange: () => this.changed(), log: this.log.child({ secondary: source.origin }) });
    this.zones.set(source.origin, zone);
    return zone;
  }

  start(): void {
    mkdirSync(this.config.dir, { recursive: true });
    for (const z of this.zones.values()) z.start();
  }

  stop(): void {
    for (const z of this.zones.values()) z.stop();
  }

  /** A NOTIFY the workers accepted (source and TSIG already checked there): refresh now, coalesced per zone. */
  notify(origin: string): void {
    const zone = this.zones.get(origin);
    if (!zone) return;
    this.notifiesAccepted++;
    void zone.refresh();
  }

  expired(): string[] {
    return [...this.zones.values()].filter((z) => z.expired).map((z) => z.origin);
  }

  /** Until every secondary zone has loaded once, the node has "no zone" for its first announcement. */
  allLoaded(): boolean {
    return [...this.zones.values()].every((z) => z.serial !== null);
  }

  status(): SecondaryZoneStatus[] {
    return [...this.zones.values()].map((z) => z.status());
  }

  counts(): [string, TransferCounts][] {
    return [...this.zones.values()].map((z) => [z.origin, z.counts]);
  }

  update(): SecondaryUpdate {
    return { expired: this.expired() };
  }

  /** Several zones changing at once (a NOTIFY burst) reach the workers as one message. */
  private changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.tell(this.update());
    }, 5);
  }
}
