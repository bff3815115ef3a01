// FRR's side of the three states: parse bgpd's running-config, and build the ordered vtysh batch that makes it match.
//
// anycastd owns route-map ANYCASTD-OUT seq 1-999, every ANYCASTD-* prefix-list, and the `network` statements of its
// prefixes. The route-map skeleton never changes with the state; a state change only moves prefixes between lists:
//   seq 100/110 deny   ANYCASTD-WITHDRAW-V4/V6
//   seq 200/210 permit ANYCASTD-DEPREFER-V4/V6  (set as-path prepend LOCAL-AS x N, set metric MED)
//   seq 300/310 permit ANYCASTD-ANNOUNCE-V4/V6
//   seq 990/991 deny   ANYCASTD-ALL-V4/V6       (ours but in no state list: never reaches the operator's seq >= 1000)
// vtysh stops at the first failing line with the earlier ones applied, so every batch adds to the list that denies
// most first and removes last: whatever prefix it leaves half-moved is in its old state or a safer one.

import type { RouteState, RoutingSpec } from '../routing/controller.js';

export const ROUTE_MAP = 'ANYCASTD-OUT';
/** The operator's entries start here; anycastd never touches them. */
export const OPERATOR_FIRST_SEQ = 1000;
/** The entry `anycastd withdraw` adds without reading the config first (serve removes it again). */
export const BLIND_WITHDRAW_SEQ = 50;

type Family = 4 | 6;
type Role = 'WITHDRAW' | 'DEPREFER' | 'ANNOUNCE' | 'ALL';
const ROLE_OF: Record<RouteState, Role> = { withdraw: 'WITHDRAW', deprefer: 'DEPREFER', announce: 'ANNOUNCE' };
const STATE_ROLES: readonly Role[] = ['WITHDRAW', 'DEPREFER', 'ANNOUNCE'];
const SEQ: Record<Role, Record<Family, number>> = {
  WITHDRAW: { 4: 100, 6: 110 },
  DEPREFER: { 4: 200, 6: 210 },
  ANNOUNCE: { 4: 300, 6: 310 },
  ALL: { 4: 990, 6: 991 },
};

export const listName = (role: Role, family: Family): string => `ANYCASTD-${role}-V${family}`;
const ipWord = (family: Family): string => (family === 4 ? 'ip' : 'ipv6');
const familyOf = (prefix: string): Family => (prefix.includes(':') ? 6 : 4);
const afi = (family: Family): string => (family === 4 ? 'ipv4' : 'ipv6');

export interface PrefixListEntry {
  seq: number;
  action: 'permit' | 'deny';
  prefix: string;
}

export interface RouteMapEntry {
  action: 'permit' | 'deny';
  seq: number;
  /** Its match/set lines, trimmed. */
  lines: string[];
}

/** What bgpd says it has (from `show running-config bgpd`). */
export interface FrrObserved {
  /** `router bgp ASN` of the default VRF; null when bgpd is down or has no BGP instance. */
  localAs: number | null;
  /** ANYCASTD-* prefix-lists only. */
  prefixLists: Map<string, PrefixListEntry[]>;
  /** Every entry of route-map ANYCASTD-OUT, by sequence number. */
  routeMap: Map<number, RouteMapEntry>;
  /** `network` statements of the default VRF, by family. */
  networks: Record<Family, Set<string>>;
}

export function parseRunningConfig(text: string): FrrObserved {
  const obs: FrrObserved = { localAs: null, prefixLists: new Map(), routeMap: new Map(), networks: { 4: new Set(), 6: new Set() } };
  let block: 'bgp' | 'route-map' | null = null;
  let af: Family | null = null;
  let entry: RouteMapEntry | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('!')) continue;
    const indented = /^\s/.test(line);
    if (!indented) {
      block = null;
      af = null;
      entry = null;
      let m = /^router bgp (\d+)$/.exec(line);
      if (m) {
        obs.localAs = Number(m[1]);
        block = 'bgp';
        continue;
      }
      m = /^(ip|ipv6) prefix-list (ANYCASTD-\S+) seq (\d+) (permit|deny) (\S+)/.exec(line);
      if (m) {
        const list = obs.prefixLists.get(m[2]) ?? [];
        list.push({ seq: Number(m[3]), action: m[4] as 'permit' | 'deny', prefix: m[5] });
        obs.prefixLists.set(m[2], list);
        continue;
      }
      m = /^route-map (\S+) (permit|deny) (\d+)$/.exec(line);
      if (m && m[1] === ROUTE_MAP) {
        entry = { action: m[2] as 'permit' | 'deny', seq: Number(m[3]), lines: [] };
        obs.routeMap.set(entry.seq, entry);
        block = 'route-map';
      }
      continue;
    }
    const body = line.trim();
    if (block === 'route-map' && entry) {
      entry.lines.push(body);
    } else if (block === 'bgp') {
      const m = /^address-family (ipv4|ipv6) unicast$/.exec(body);
      if (m) af = m[1] === 'ipv4' ? 4 : 6;
      else if (body === 'exit-address-family') af = null;
      else {
        const n = /^network (\S+)/.exec(body);
        // Outside an address-family block, a network statement is IPv4 unicast.
        if (n) obs.networks[af ?? 4].add(n[1]);
      }
    }
  }
  return obs;
}

/** The route-map entries anycastd wants, for the families its prefixes use. */
export function desiredRouteMap(spec: Pick<RoutingSpec, 'prefixes' | 'prependCount' | 'med'>, localAs: number): Map<number, RouteMapEntry> {
  const out = new Map<number, RouteMapEntry>();
  for (const family of families(spec.prefixes)) {
    const match = (role: Role) => `match ${ipWord(family)} address prefix-list ${listName(role, family)}`;
    const deprefer = [match('DEPREFER')];
    if (spec.prependCount > 0) deprefer.push(`set as-path prepend ${Array(spec.prependCount).fill(localAs).join(' ')}`);
    if (spec.med != null) deprefer.push(`set metric ${spec.med}`);
    out.set(SEQ.WITHDRAW[family], { action: 'deny', seq: SEQ.WITHDRAW[family], lines: [match('WITHDRAW')] });
    out.set(SEQ.DEPREFER[family], { action: 'permit', seq: SEQ.DEPREFER[family], lines: deprefer });
    out.set(SEQ.ANNOUNCE[family], { action: 'permit', seq: SEQ.ANNOUNCE[family], lines: [match('ANNOUNCE')] });
    out.set(SEQ.ALL[family], { action: 'deny', seq: SEQ.ALL[family], lines: [match('ALL')] });
  }
  return out;
}

function families(prefixes: readonly string[]): Family[] {
  const set = new Set(prefixes.map(familyOf));
  return ([4, 6] as Family[]).filter((f) => set.has(f));
}

/** The lists each prefix must be in for the state: ALL plus the state's own list. */
function wantedIn(prefix: string, state: RouteState): Set<string> {
  const f = familyOf(prefix);
  return new Set([listName('ALL', f), listName(ROLE_OF[state], f)]);
}

function listed(obs: FrrObserved, list: string, prefix: string): PrefixListEntry | undefined {
  return obs.prefixLists.get(list)?.find((e) => e.prefix === prefix && e.action === 'permit');
}

/** What differs between bgpd and the spec, in words; empty when bgpd shows exactly our state. */
export function differences(obs: FrrObserved, spec: RoutingSpec): string[] {
  if (obs.localAs === null) return ['bgpd shows no `router bgp` (down, or not configured)'];
  const out: string[] = [];
  const want = desiredRouteMap(spec, obs.localAs);
  for (const [seq, e] of want) {
    const have = obs.routeMap.get(seq);
    if (!have) out.push(`route-map ${ROUTE_MAP} ${e.action} ${seq} missing`);
    else if (have.action !== e.action || !sameLines(have.lines, e.lines)) out.push(`route-map ${ROUTE_MAP} seq ${seq} differs`);
  }
  for (const seq of obs.routeMap.keys()) if (seq < OPERATOR_FIRST_SEQ && !want.has(seq)) out.push(`route-map ${ROUTE_MAP} seq ${seq} is not ours to keep`);
  for (const p of spec.prefixes) {
    const f = familyOf(p);
    const wanted = wantedIn(p, spec.state);
    for (const role of [...STATE_ROLES, 'ALL' as Role]) {
      const list = listName(role, f);
      const isIn = listed(obs, list, p) !== undefined;
      if (wanted.has(list) && !isIn) out.push(`${p} missing from ${list}`);
      if (!wanted.has(list) && isIn) out.push(`${p} still in ${list}`);
    }
    if (!obs.networks[f].has(p)) out.push(`network ${p} missing`);
  }
  for (const [list, entries] of obs.prefixLists) {
    for (const e of entries) if (!spec.prefixes.includes(e.prefix) || e.action !== 'permit') out.push(`${list} has a stale entry ${e.prefix}`);
  }
  return out;
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

export interface FrrBatch {
  /** Config-mode lines, in the order that keeps every half-applied prefix safe. Empty: nothing to change. */
  config: string[];
  /** Exec-mode refresh, so the peers get the change now and not after the route-map delay timer. */
  clear: string[];
  /** Blackhole static routes (staticd) for the network statements; idempotent, sent after the refresh. */
  statics: string[];
}

/** The lines that turn `obs` into `spec`. Throws when bgpd has no BGP instance (no AS to prepend). */
export function buildBatch(obs: FrrObserved, spec: RoutingSpec): FrrBatch {
  if (obs.localAs === null) throw new Error('bgpd shows no `router bgp` (down, or not configured)');
  const config: string[] = [];
  // 1. The skeleton, lowest seq (the deny) first. Changing an entry's action keeps its lines.
  const want = desiredRouteMap(spec, obs.localAs);
  for (const e of [...want.values()].sort((a, b) => a.seq - b.seq)) {
    const have = obs.routeMap.get(e.seq);
    if (have && have.action === e.action && sameLines(have.lines, e.lines)) continue;
    config.push(`route-map ${ROUTE_MAP} ${e.action} ${e.seq}`);
    for (const l of e.lines) if (!have?.lines.includes(l)) config.push(` ${l}`);
    for (const l of have?.lines ?? []) if (!e.lines.includes(l)) config.push(` no ${l}`);
    config.push('exit');
  }
  // 2. Adds: ALL first, then the most restrictive state list first.
  const adds = (role: Role) => {
    for (const [i, p] of spec.prefixes.entries()) {
      const list = listName(role, familyOf(p));
      if (wantedIn(p, spec.state).has(list) && !listed(obs, list, p)) config.push(`${ipWord(familyOf(p))} prefix-list ${list} seq ${freeSeq(obs, list, i)} permit ${p}`);
    }
  };
  (['ALL', 'WITHDRAW', 'DEPREFER', 'ANNOUNCE'] as Role[]).forEach(adds);
  // 3. Removals of our prefixes from the lists of other states: announce first, withdraw last.
  const removals = (role: Role, keep: (prefix: string) => boolean) => {
    for (const f of [4, 6] as Family[]) {
      const list = listName(role, f);
      for (const e of obs.prefixLists.get(list) ?? []) {
        if (!keep(e.prefix)) config.push(`no ${ipWord(f)} prefix-list ${list} seq ${e.seq} ${e.action} ${e.prefix}`);
      }
    }
  };
  const ours = (p: string) => spec.prefixes.includes(p);
  for (const role of ['ANNOUNCE', 'DEPREFER', 'WITHDRAW'] as Role[]) {
    removals(role, (p) => !ours(p) || wantedIn(p, spec.state).has(listName(role, familyOf(p))));
  }
  // 4. The network statements, now that the lists decide what leaves.
  for (const f of families(spec.prefixes)) {
    const missing = spec.prefixes.filter((p) => familyOf(p) === f && !obs.networks[f].has(p));
    if (missing.length === 0) continue;
    config.push(`router bgp ${obs.localAs}`, ` address-family ${afi(f)} unicast`, ...missing.map((p) => `  network ${p}`), ' exit-address-family', 'exit');
  }
  // 5. Last, what no longer belongs to the spec: stale prefixes (state lists, then ALL) and foreign entries in 1-999.
  for (const role of ['ANNOUNCE', 'DEPREFER', 'WITHDRAW', 'ALL'] as Role[]) removals(role, ours);
  for (const [list, entries] of obs.prefixLists) {
    if (/^ANYCASTD-(WITHDRAW|DEPREFER|ANNOUNCE|ALL)-V[46]$/.test(list)) continue;
    for (const e of entries) config.push(`no ${list.endsWith('V6') ? 'ipv6' : 'ip'} prefix-list ${list} seq ${e.seq} ${e.action} ${e.prefix}`);
  }
  for (const e of obs.routeMap.values()) if (e.seq < OPERATOR_FIRST_SEQ && !want.has(e.seq)) config.push(`no route-map ${ROUTE_MAP} ${e.action} ${e.seq}`);
  return { config, clear: clearLines(spec.prefixes), statics: staticLines(spec.prefixes) };
}

/** The prefix's own slot (5, 10, ... by position in --anycast) unless another prefix holds it. */
function freeSeq(obs: FrrObserved, list: string, index: number): number {
  const entries = obs.prefixLists.get(list) ?? [];
  const own = 5 * (index + 1);
  if (!entries.some((e) => e.seq === own)) return own;
  return Math.max(...entries.map((e) => e.seq)) + 5;
}

export function clearLines(prefixes: readonly string[]): string[] {
  return families(prefixes).map((f) => `clear bgp ${afi(f)} unicast * soft out`);
}

export function staticLines(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => `${ipWord(familyOf(p))} route ${p} blackhole`);
}

/**
 * `anycastd withdraw` without reading bgpd first (every millisecond counts there): put each prefix in ANYCASTD-ALL
 * at its usual slot and deny the whole list at seq 50, ahead of every state entry. Serve removes seq 50 again.
 */
export function blindWithdrawBatch(prefixes: readonly string[]): FrrBatch {
  const config: string[] = [];
  for (const [i, p] of prefixes.entries()) config.push(`${ipWord(familyOf(p))} prefix-list ${listName('ALL', familyOf(p))} seq ${5 * (i + 1)} permit ${p}`);
  for (const f of families(prefixes)) {
    config.push(`route-map ${ROUTE_MAP} deny ${BLIND_WITHDRAW_SEQ + (f === 6 ? 1 : 0)}`, ` match ${ipWord(f)} address prefix-list ${listName('ALL', f)}`, 'exit');
  }
  return { config, clear: clearLines(prefixes), statics: [] };
}

/** Our prefixes as bgpd lists them (ANYCASTD-ALL), for a withdraw given no --anycast. */
export function listedPrefixes(obs: FrrObserved): string[] {
  return [...(obs.prefixLists.get(listName('ALL', 4)) ?? []), ...(obs.prefixLists.get(listName('ALL', 6)) ?? [])].map((e) => e.prefix);
}
