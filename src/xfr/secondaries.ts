// The control plane's secondary zones: starts each one's refresh cycle, follows catalogs (adding and removing member
// zones), takes NOTIFYs from the workers, and tells the workers what changed (files in --xfr-dir to load or drop,
// zones that expired and must answer SERVFAIL, which zones may be NOTIFYed by whom).

import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SecondaryConfig, SecondarySource } from './secondary-config.js';
import { SecondaryZone, type SecondaryZoneStatus, type TransferCounts } from './secondary-zone.js';
import { CatalogConsumer, type MembershipChange, catalogDir } from './catalog-consumer.js';
import { stateFilePath, zoneFilePath } from './xfr-store.js';
import type { Diff } from './stream.js';

export interface SecondaryUpdate {
  /** Origins past their expiry: the workers answer SERVFAIL for them. */
  expired: string[];
  /** Zones added by catalogs, with their primary and key: their NOTIFYs are accepted too. */
  members: SecondarySource[];
  /** Origin -> when it expires (epoch ms), for the EDNS EXPIRE option (RFC 7314). */
  expiresAt: Record<string, number>;
}

export interface CatalogStatus {
  origin: string;
  primary: string;
  serial: number | null;
  members: string[];
  lastError: string | null;
}

export class Secondaries {
  readonly zones = new Map<string, SecondaryZone>();
  readonly catalogs = new Map<string, CatalogConsumer>();
  notifiesAccepted = 0;
  /** Is this origin served from a file in --zones (a catalog member of that name is then ignored, RFC 9432 section 5.2)? */
  servedFromFile: (origin: string) => boolean = () => false;
  private pending: NodeJS.Timeout | null = null;
  private started = false;

  /** Where IXFR diffs go as soon as they are applied (the workers patch their compiled zones). */
  onDiff: ((origin: string, diffs: Diff[]) => void) | null = null;

  constructor(
    readonly config: SecondaryConfig,
    private readonly tell: (update: SecondaryUpdate) => void,
    private readonly log: Logger,
  ) {
    for (const source of config.zones) this.add(source, null);
    for (const source of config.catalogs) {
      const catalog = new CatalogConsumer(source, this.keyFor(source), config.dir, (c, change) => this.membership(c, change), log.child({ catalog: source.origin }));
      this.catalogs.set(source.origin, catalog);
    }
  }

  private keyFor(source: SecondarySource) {
    return source.keyName ? this.config.keys.find((k) => k.name === source.keyName) ?? null : null;
  }

  private add(source: SecondarySource, catalog: string | null): SecondaryZone {
    const zone = new SecondaryZone({
      source, key: this.keyFor(source), dir: this.config.dir, catalog, log: this.log.child({ secondary: source.origin }),
      onChange: () => this.changed(), onDiff: (z, diffs) => this.onDiff?.(z.origin, diffs),
    });
    this.zones.set(source.origin, zone);
    if (this.started) zone.start();
    return zone;
  }

  start(): void {
    mkdirSync(catalogDir(this.config.dir), { recursive: true });
    this.started = true;
    for (const z of this.zones.values()) z.start();
    for (const c of this.catalogs.values()) c.start();
  }

  stop(): void {
    for (const z of this.zones.values()) z.stop();
    for (const c of this.catalogs.values()) c.stop();
  }

  /** Members come and go as their catalog says; a name that is served from elsewhere is ignored and logged. */
  private membership(catalog: CatalogConsumer, change: MembershipChange): void {
    for (const m of change.removed) {
      const zone = this.zones.get(m.zone);
      if (!zone || zone.catalog !== catalog.source.origin) continue;
      zone.stop();
      this.zones.delete(m.zone);
      // Removed at once (section 5.3): its file goes, and the workers drop it on the next sync.
      void Promise.all([rm(zoneFilePath(this.config.dir, m.zone), { force: true }), rm(stateFilePath(this.config.dir, m.zone), { force: true })]).then(() => this.changed());
      this.log.info({ catalog: catalog.source.origin, zone: m.zone, label: m.label }, 'catalog member removed; no longer served');
    }
    for (const m of change.added) {
      const owner = this.zones.get(m.zone);
      if (owner || this.servedFromFile(m.zone) || this.catalogs.has(m.zone)) {
        const from = owner ? (owner.catalog ? `catalog ${owner.catalog}` : '--secondary') : this.catalogs.has(m.zone) ? 'a catalog zone' : '--zones';
        this.log.warn({ catalog: catalog.source.origin, zone: m.zone, servedFrom: from }, `catalog member ${m.zone} is already served from ${from}; ignored (RFC 9432 section 5.2)`);
        continue;
      }
      this.add({ ...catalog.source, origin: m.zone }, catalog.source.origin);
      this.log.info({ catalog: catalog.source.origin, zone: m.zone, label: m.label }, 'catalog member added');
    }
    this.changed();
  }

  /** A NOTIFY the workers accepted (source and TSIG already checked there): refresh now, coalesced per zone. */
  notify(origin: string): void {
    const zone = this.zones.get(origin) ?? this.catalogs.get(origin)?.zone;
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

  catalogStatus(): CatalogStatus[] {
    return [...this.catalogs.values()].map((c) => ({
      origin: c.source.origin, primary: c.zone.primary, serial: c.zone.serial, members: [...c.members.keys()], lastError: c.lastError ?? c.zone.lastError,
    }));
  }

  counts(): [string, TransferCounts][] {
    return [...this.zones.values(), ...[...this.catalogs.values()].map((c) => c.zone)].map((z) => [z.origin, z.counts]);
  }

  update(): SecondaryUpdate {
    const members = [...this.zones.values()].filter((z) => z.catalog !== null).map((z) => z.source);
    const expiresAt: Record<string, number> = {};
    for (const z of this.zones.values()) if (z.expiresAt !== null) expiresAt[z.origin] = z.expiresAt;
    return { expired: this.expired(), members, expiresAt };
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
