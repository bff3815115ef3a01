// A tiny model of bgpd for the unit tests: applies our config lines one by one (as vtysh does), renders the
// running-config back, and tells what a peer would get; plus a fake vtysh runner over it.

import type { FrrObserved } from './config.js';
import type { VtyshOutput, VtyshRunner } from './vtysh.js';

/**
 * A tiny model of bgpd for the lines we send: applies config lines one by one (as vtysh does) and renders the
 * running-config back, so a batch can be cut after any line and the result judged.
 */
export function applyLines(obs: FrrObserved, lines: string[]): FrrObserved {
  const o: FrrObserved = {
    localAs: obs.localAs,
    prefixLists: new Map([...obs.prefixLists].map(([k, v]) => [k, v.map((e) => ({ ...e }))])),
    routeMap: new Map([...obs.routeMap].map(([k, v]) => [k, { ...v, lines: [...v.lines] }])),
    networks: { 4: new Set(obs.networks[4]), 6: new Set(obs.networks[6]) },
  };
  let entry: { seq: number } | null = null;
  let af: 4 | 6 = 4;
  for (const raw of lines) {
    const l = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^route-map ANYCASTD-OUT (permit|deny) (\d+)$/.exec(l))) {
      const seq = Number(m[2]);
      const have = o.routeMap.get(seq);
      o.routeMap.set(seq, { action: m[1] as 'permit' | 'deny', seq, lines: have?.lines ?? [] });
      entry = { seq };
    } else if ((m = /^no route-map ANYCASTD-OUT (permit|deny) (\d+)$/.exec(l))) o.routeMap.delete(Number(m[2]));
    else if ((m = /^no (match|set) (.*)$/.exec(l)) && entry) {
      const e = o.routeMap.get(entry.seq)!;
      e.lines = e.lines.filter((x) => x !== `${m![1]} ${m![2]}`);
    } else if (/^(match|set) /.test(l) && entry) o.routeMap.get(entry.seq)!.lines.push(l);
    else if ((m = /^(no )?(ip|ipv6) prefix-list (\S+) seq (\d+) (permit|deny) (\S+)$/.exec(l))) {
      const list = o.prefixLists.get(m[3]) ?? [];
      const seq = Number(m[4]);
      if (m[1]) o.prefixLists.set(m[3], list.filter((e) => e.seq !== seq));
      else if (!list.some((e) => e.prefix === m![6])) o.prefixLists.set(m[3], [...list.filter((e) => e.seq !== seq), { seq, action: m[5] as 'permit', prefix: m[6] }]);
    } else if ((m = /^address-family (ipv4|ipv6) unicast$/.exec(l))) af = m[1] === 'ipv4' ? 4 : 6;
    else if ((m = /^network (\S+)$/.exec(l))) o.networks[af].add(m[1]);
    else if (l === 'exit') entry = null;
  }
  return o;
}

/** What peers would get for `prefix` through route-map ANYCASTD-OUT: denied, or permitted with its prepend. */
export function verdict(o: FrrObserved, prefix: string): string {
  if (!o.networks[prefix.includes(':') ? 6 : 4].has(prefix)) return 'absent';
  if (o.routeMap.size === 0) return 'denied';
  for (const e of [...o.routeMap.values()].sort((a, b) => a.seq - b.seq)) {
    const match = e.lines.find((l) => l.startsWith('match'));
    const list = match?.split(' ').pop();
    const matches = !match || (o.prefixLists.get(list!) ?? []).some((x) => x.prefix === prefix);
    if (!matches) continue;
    if (e.action === 'deny') return 'denied';
    return e.lines.some((l) => l.startsWith('set as-path prepend')) ? 'deprefer' : 'announce';
  }
  return 'denied';
}


export function renderConfig(o: FrrObserved): string {
  const out = ['Building configuration...', '', 'Current configuration:', '!', `router bgp ${o.localAs}`];
  for (const f of [4, 6] as const) {
    if (o.networks[f].size === 0) continue;
    out.push(` address-family ipv${f} unicast`, ...[...o.networks[f]].map((n) => `  network ${n}`), ' exit-address-family');
  }
  out.push('exit', '!');
  for (const [name, entries] of o.prefixLists) {
    for (const e of entries) out.push(`${name.endsWith('V6') ? 'ipv6' : 'ip'} prefix-list ${name} seq ${e.seq} ${e.action} ${e.prefix}`);
  }
  for (const e of [...o.routeMap.values()].sort((a, b) => a.seq - b.seq)) out.push(`route-map ANYCASTD-OUT ${e.action} ${e.seq}`, ...e.lines.map((l) => ` ${l}`), 'exit', '!');
  out.push('end', '');
  return out.join('\n');
}

/** A fake bgpd behind a fake vtysh: `down` answers like vtysh without bgpd, `hang` never answers within the timeout. */
export class FakeBgpd {
  state: FrrObserved = { localAs: 64601, prefixLists: new Map(), routeMap: new Map(), networks: { 4: new Set(), 6: new Set() } };
  down = false;
  hang = false;
  /** Fail the config line that matches (as vtysh: the earlier lines stay applied). */
  failLine: RegExp | null = null;
  calls: string[][] = [];

  /** bgpd restarted with a config file that has none of our objects. */
  restart(): void {
    this.state = { localAs: this.state.localAs, prefixLists: new Map(), routeMap: new Map(), networks: { 4: new Set(), 6: new Set() } };
  }

  readonly run: VtyshRunner = async (commands, timeoutMs) => {
    this.calls.push([...commands]);
    const out = (o: Partial<VtyshOutput>): VtyshOutput => ({ code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, ...o });
    if (this.hang) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return out({ code: null, timedOut: true });
    }
    if (this.down) return out({ code: 1, stderr: 'bgpd is not running\n' });
    if (commands[0] === 'show running-config bgpd') return out({ stdout: renderConfig(this.state) });
    const lines: string[] = [];
    for (const c of commands) {
      if (this.failLine?.test(c)) {
        this.state = applyLines(this.state, lines);
        return out({ code: 1, stdout: `% Configuration failed.\n` });
      }
      lines.push(c);
    }
    this.state = applyLines(this.state, lines);
    return out({});
  };
}
