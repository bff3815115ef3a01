// One catalog zone (RFC 9432) as a consumer: transferred like any secondary zone (kept in --xfr-dir/.catalogs, never
// served), its member list turned into secondary zones from the same primary with the same key. A broken catalog
// keeps the last good member set (section 5.1); the member set is persisted so a restart without the primary
// serves the same zones.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../lib/atomic-write.js';
import { type CatalogMember, CatalogError, catalogMembers } from './catalog.js';
import { SecondaryZone } from './secondary-zone.js';
import type { SecondarySource } from './secondary-config.js';
import type { TsigKey } from './tsig-keys.js';

export const catalogDir = (xfrDir: string) => join(xfrDir, '.catalogs');

export interface MembershipChange {
  added: CatalogMember[];
  removed: CatalogMember[];
}

export class CatalogConsumer {
  readonly zone: SecondaryZone;
  members = new Map<string, CatalogMember>();
  lastError: string | null = null;
  private appliedSerial: number | null = null;

  constructor(
    readonly source: SecondarySource,
    key: TsigKey | null,
    private readonly xfrDir: string,
    private readonly apply: (catalog: CatalogConsumer, change: MembershipChange) => void,
    private readonly log: Logger,
  ) {
    this.zone = new SecondaryZone({ source, key, dir: catalogDir(xfrDir), onChange: () => this.changed(), log });
  }

  private get membersFile(): string {
    return join(catalogDir(this.xfrDir), `.${this.source.origin}members.json`);
  }

  /** The member set a previous run persisted, then the catalog's own refresh cycle. */
  start(): void {
    try {
      const saved = JSON.parse(readFileSync(this.membersFile, 'utf8')) as { serial: number; members: CatalogMember[] };
      this.update(saved.members);
      this.appliedSerial = saved.serial;
      this.log.info({ catalog: this.source.origin, members: saved.members.length, serial: saved.serial }, 'catalog members restored from --xfr-dir');
    } catch {
      // first start, or nothing usable saved: members come with the first transfer
    }
    this.zone.start();
  }

  stop(): void {
    this.zone.stop();
  }

  private changed(): void {
    const data = this.zone.data;
    if (!data || data.soa.serial === this.appliedSerial) return;
    let members: CatalogMember[];
    try {
      members = catalogMembers(data);
    } catch (err) {
      if (!(err instanceof CatalogError)) throw err;
      this.lastError = `${err.message}; keeping the last good member set (RFC 9432 section 5.1)`;
      this.log.error({ catalog: this.source.origin, serial: data.soa.serial }, this.lastError);
      return;
    }
    this.lastError = null;
    this.appliedSerial = data.soa.serial;
    this.update(members);
    void writeFileAtomic(this.membersFile, JSON.stringify({ serial: data.soa.serial, members }) + '\n').catch((err: unknown) =>
      this.log.warn({ err, catalog: this.source.origin }, 'cannot persist the catalog member set'),
    );
  }

  /** A member whose unique label changed is removed and added again (RFC 9432 section 5.6), so it starts afresh. */
  private update(next: CatalogMember[]): void {
    const added: CatalogMember[] = [];
    const removed: CatalogMember[] = [];
    const nextByZone = new Map(next.map((m) => [m.zone, m]));
    for (const [zone, old] of this.members) {
      const now = nextByZone.get(zone);
      if (!now || now.label !== old.label) removed.push(old);
    }
    for (const m of next) {
      const old = this.members.get(m.zone);
      if (!old || old.label !== m.label) added.push(m);
    }
    this.members = nextByZone;
    if (added.length || removed.length) this.apply(this, { added, removed });
  }
}
