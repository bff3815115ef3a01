// The query list for the qps bench: a fixed, seeded mix drawn from a generated zone, in dnsperf's "name TYPE" format.
import { writeFileSync } from 'node:fs';
import { zoneMap } from './zone-text.mjs';

/** Share of each kind of query, in percent; the names come from the zone so the answers are real. */
export const QUERY_MIX = [
  { kind: 'A at an A name', pct: 62 },
  { kind: 'AAAA at an AAAA name', pct: 8 },
  { kind: 'MX', pct: 6 },
  { kind: 'TXT', pct: 6 },
  { kind: 'A at a CNAME', pct: 4 },
  { kind: 'NXDOMAIN', pct: 10 },
  { kind: 'NODATA (AAAA at an A-only name)', pct: 2 },
  { kind: 'referral (A at a delegation)', pct: 2 },
];

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Writes `count` queries to `out` and returns the kinds' pools sizes, for the report. */
export function writeQueryFile(zoneFile, out, count = 50000, seed = 42) {
  const zone = zoneMap(zoneFile);
  const pools = { A: [], AAAA: [], MX: [], TXT: [], CNAME: [], aOnly: [], cut: [] };
  const cuts = new Set([...zone.names].filter(([name, types]) => name !== zone.origin && types.has('NS')).map(([name]) => name));
  const belowCut = (name) => {
    for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) if (cuts.has(name.slice(i + 1))) return true;
    return false;
  };
  for (const [name, types] of zone.names) {
    if (name === zone.origin) continue;
    if (cuts.has(name)) {
      pools.cut.push(name);
      continue;
    }
    if (belowCut(name)) continue; // glue: the baselines' plain Map lookup would answer it as authoritative data
    if (types.has('CNAME')) pools.CNAME.push(name);
    for (const t of ['A', 'AAAA', 'MX', 'TXT']) if (types.has(t)) pools[t].push(name);
    if (types.has('A') && !types.has('AAAA')) pools.aOnly.push(name);
  }
  const rand = lcg(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const lines = [];
  for (let i = 0; i < count; i++) {
    let p = rand() * 100;
    const kind = QUERY_MIX.find((k) => (p -= k.pct) < 0)?.kind ?? QUERY_MIX[0].kind;
    switch (kind) {
      case 'A at an A name': lines.push(`${pick(pools.A)} A`); break;
      case 'AAAA at an AAAA name': lines.push(`${pick(pools.AAAA)} AAAA`); break;
      case 'MX': lines.push(`${pick(pools.MX)} MX`); break;
      case 'TXT': lines.push(`${pick(pools.TXT)} TXT`); break;
      case 'A at a CNAME': lines.push(`${pick(pools.CNAME)} A`); break;
      case 'NXDOMAIN': lines.push(`nx-${Math.floor(rand() * 1e6)}.site${i % 64}.${zone.origin} A`); break;
      case 'NODATA (AAAA at an A-only name)': lines.push(`${pick(pools.aOnly)} AAAA`); break;
      default: lines.push(`${pick(pools.cut)} A`);
    }
  }
  writeFileSync(out, `${lines.join('\n')}\n`);
  return { count, names: zone.names.size };
}
