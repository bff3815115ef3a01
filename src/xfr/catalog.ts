// RFC 9432 catalog zones, as a consumer: read the member list (PTR records under zones.) of a version "2" catalog.
// Anything that breaks the schema makes the whole catalog invalid, so the caller keeps its last good member set.

import { nameFromText, nameToText } from '../zone/text/name-text.js';
import { lowerName, sameName } from './message.js';
import type { ZoneData } from './zone-data.js';

const T_PTR = 12;
const T_TXT = 16;

export interface CatalogMember {
  /** The unique label (RFC 9432 section 4.1): a change of it is a removal followed by an addition. */
  label: string;
  /** Absolute, lower case. */
  zone: string;
}

export class CatalogError extends Error {}

/** The members of a catalog, sorted by zone; throws CatalogError when the catalog is not a valid version 2 one. */
export function catalogMembers(catalog: ZoneData): CatalogMember[] {
  const apex = lowerName(nameFromText(catalog.origin, null));
  const version = lowerName(nameFromText(`version.${catalog.origin}`, null));
  const zonesLabel = lowerName(nameFromText(`zones.${catalog.origin}`, null));
  const versions: string[] = [];
  const members = new Map<string, CatalogMember>();
  for (const rr of catalog.all()) {
    const name = lowerName(rr.name);
    if (rr.type === T_TXT && sameName(name, version)) {
      versions.push(Buffer.from(rr.rdata.subarray(1, 1 + rr.rdata[0])).toString('latin1'));
      continue;
    }
    if (rr.type !== T_PTR || name.length <= zonesLabel.length + 1) continue;
    // A member is exactly one label below zones.: <unique>.zones.<catalog> (properties sit deeper).
    const labelLen = name[0];
    if (1 + labelLen + zonesLabel.length !== name.length || !sameName(name.subarray(1 + labelLen), zonesLabel)) continue;
    const label = Buffer.from(name.subarray(1, 1 + labelLen)).toString('latin1');
    const zone = nameToText(lowerName(rr.rdata));
    if (members.has(label)) throw new CatalogError(`catalog ${catalog.origin}: member label ${label} has more than one PTR (RFC 9432 section 4.1)`);
    if (sameName(lowerName(rr.rdata), apex)) throw new CatalogError(`catalog ${catalog.origin} lists itself as a member`);
    members.set(label, { label, zone });
  }
  if (versions.length !== 1 || versions[0] !== '2') {
    throw new CatalogError(`catalog ${catalog.origin}: version.${catalog.origin} TXT must be exactly "2" (RFC 9432 section 4.2.1), found ${versions.length ? versions.map((v) => `"${v}"`).join(', ') : 'none'}`);
  }
  const byZone = new Map<string, CatalogMember>();
  for (const m of members.values()) {
    if (byZone.has(m.zone)) throw new CatalogError(`catalog ${catalog.origin}: zone ${m.zone} is listed twice (labels ${byZone.get(m.zone)!.label} and ${m.label})`);
    byZone.set(m.zone, m);
  }
  return [...byZone.values()].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
}
