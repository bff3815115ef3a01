// Tests for the FRR parser and batch builder: bgpd's running-config in, ordered vtysh lines out, safe at every cut.

import { describe, expect, it } from 'vitest';
import type { RouteState, RoutingSpec } from '../routing/controller.js';
import { blindWithdrawBatch, buildBatch, differences, listedPrefixes, parseRunningConfig } from './config.js';
import { applyLines, verdict } from './fake-bgpd.test-util.js';

// As FRR 8.4's `show running-config bgpd` prints it (captured from a lab bgpd).
const OPERATOR_ONLY = `Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname n1
service integrated-vtysh-config
!
router bgp 64601
 bgp router-id 198.51.100.2
 no bgp ebgp-requires-policy
 neighbor 198.51.100.1 remote-as 64600
 !
 address-family ipv4 unicast
  neighbor 198.51.100.1 route-map ANYCASTD-OUT out
 exit-address-family
exit
!
route-map ANYCASTD-OUT permit 1000
 match ip address prefix-list OPERATOR
exit
!
end
`;

const spec = (state: RouteState, prefixes = ['192.0.2.1/32'], prependCount = 3, med: number | null = null): RoutingSpec => ({ state, prefixes, prependCount, med, reason: 'test' });

describe('parseRunningConfig', () => {
  it('reads the local AS, networks, our route-map and lists, ignoring the rest', () => {
    const o = parseRunningConfig(`${OPERATOR_ONLY.replace('  neighbor 198.51.100.1 route-map', '  network 192.0.2.1/32\n  neighbor 198.51.100.1 route-map')}
ip prefix-list ANYCASTD-ALL-V4 seq 5 permit 192.0.2.1/32
ip prefix-list OTHER seq 5 permit 10.0.0.0/8
ipv6 prefix-list ANYCASTD-ALL-V6 seq 5 permit 2001:db8::1/128
route-map ANYCASTD-OUT permit 200
 match ip address prefix-list ANYCASTD-DEPREFER-V4
 set as-path prepend 64601 64601
exit
`);
    expect(o.localAs).toBe(64601);
    expect([...o.networks[4]]).toEqual(['192.0.2.1/32']);
    expect([...o.prefixLists.keys()]).toEqual(['ANYCASTD-ALL-V4', 'ANYCASTD-ALL-V6']);
    expect(o.routeMap.get(200)).toEqual({ action: 'permit', seq: 200, lines: ['match ip address prefix-list ANYCASTD-DEPREFER-V4', 'set as-path prepend 64601 64601'] });
    expect(o.routeMap.get(1000)?.lines).toEqual(['match ip address prefix-list OPERATOR']);
    expect(listedPrefixes(o)).toEqual(['192.0.2.1/32', '2001:db8::1/128']);
  });

  it('bgpd down: no AS, and the builder refuses', () => {
    const o = parseRunningConfig('bgpd is not running\n');
    expect(o.localAs).toBeNull();
    expect(differences(o, spec('withdraw'))).toHaveLength(1);
    expect(() => buildBatch(o, spec('withdraw'))).toThrow(/router bgp/);
  });
});

describe('buildBatch', () => {
  it('from a fresh bgpd: skeleton with the deny first, the prefix denied before its network statement', () => {
    const b = buildBatch(parseRunningConfig(OPERATOR_ONLY), spec('withdraw', ['192.0.2.1/32'], 2, 50));
    expect(b.config).toEqual([
      'route-map ANYCASTD-OUT deny 100', ' match ip address prefix-list ANYCASTD-WITHDRAW-V4', 'exit',
      'route-map ANYCASTD-OUT permit 200', ' match ip address prefix-list ANYCASTD-DEPREFER-V4', ' set as-path prepend 64601 64601', ' set metric 50', 'exit',
      'route-map ANYCASTD-OUT permit 300', ' match ip address prefix-list ANYCASTD-ANNOUNCE-V4', 'exit',
      'route-map ANYCASTD-OUT deny 990', ' match ip address prefix-list ANYCASTD-ALL-V4', 'exit',
      'ip prefix-list ANYCASTD-ALL-V4 seq 5 permit 192.0.2.1/32',
      'ip prefix-list ANYCASTD-WITHDRAW-V4 seq 5 permit 192.0.2.1/32',
      'router bgp 64601', ' address-family ipv4 unicast', '  network 192.0.2.1/32', ' exit-address-family', 'exit',
    ]);
    expect(b.clear).toEqual(['clear bgp ipv4 unicast * soft out']);
    expect(b.statics).toEqual(['ip route 192.0.2.1/32 blackhole']);
  });

  it('IPv6 prefixes get their own entries, lists, address family and refresh', () => {
    const b = buildBatch(parseRunningConfig(OPERATOR_ONLY), spec('announce', ['2001:db8::1/128'], 0));
    expect(b.config).toContain('route-map ANYCASTD-OUT permit 310');
    expect(b.config).toContain(' match ipv6 address prefix-list ANYCASTD-ANNOUNCE-V6');
    expect(b.config).toContain('ipv6 prefix-list ANYCASTD-ANNOUNCE-V6 seq 5 permit 2001:db8::1/128');
    expect(b.config).toContain(' address-family ipv6 unicast');
    expect(b.config.some((l) => l.includes('V4'))).toBe(false);
    expect(b.clear).toEqual(['clear bgp ipv6 unicast * soft out']);
    expect(b.statics).toEqual(['ipv6 route 2001:db8::1/128 blackhole']);
  });

  it('nothing to send once bgpd shows the state; a state change only moves list entries', () => {
    const fresh = parseRunningConfig(OPERATOR_ONLY);
    const withdrawn = applyLines(fresh, buildBatch(fresh, spec('withdraw')).config);
    expect(differences(withdrawn, spec('withdraw'))).toEqual([]);
    expect(buildBatch(withdrawn, spec('withdraw')).config).toEqual([]);
    expect(buildBatch(withdrawn, spec('announce')).config).toEqual([
      'ip prefix-list ANYCASTD-ANNOUNCE-V4 seq 5 permit 192.0.2.1/32',
      'no ip prefix-list ANYCASTD-WITHDRAW-V4 seq 5 permit 192.0.2.1/32',
    ]);
  });

  const STATES: RouteState[] = ['withdraw', 'deprefer', 'announce'];
  for (const from of STATES) {
    for (const to of STATES) {
      if (from === to) continue;
      it(`${from} -> ${to}: cut after any line, the prefix is in its old state, the new one, or withdrawn`, () => {
        const fresh = parseRunningConfig(OPERATOR_ONLY);
        const start = applyLines(fresh, buildBatch(fresh, spec(from)).config);
        expect(verdict(start, '192.0.2.1/32')).toBe(from === 'withdraw' ? 'denied' : from);
        const lines = buildBatch(start, spec(to)).config;
        const allowed = new Set([from, to, 'withdraw'].map((s) => (s === 'withdraw' ? 'denied' : s)));
        for (let cut = 0; cut <= lines.length; cut++) {
          expect(allowed, `cut after ${cut}: ${lines.slice(0, cut).join(' | ')}`).toContain(verdict(applyLines(start, lines.slice(0, cut)), '192.0.2.1/32'));
        }
        const end = applyLines(start, lines);
        expect(verdict(end, '192.0.2.1/32')).toBe(to === 'withdraw' ? 'denied' : to);
        expect(differences(end, spec(to))).toEqual([]);
      });
    }
  }

  it('from a fresh bgpd, no cut of the first batch sends the prefix in any state but the one asked for', () => {
    const fresh = parseRunningConfig(OPERATOR_ONLY);
    for (const state of STATES) {
      const lines = buildBatch(fresh, spec(state)).config;
      const target = state === 'withdraw' ? 'denied' : state;
      for (let cut = 0; cut <= lines.length; cut++) {
        expect(['absent', 'denied', target]).toContain(verdict(applyLines(fresh, lines.slice(0, cut)), '192.0.2.1/32'));
      }
    }
  });

  it('repairs a changed prepend, drops stale prefixes and foreign entries in 1-999, never touches seq >= 1000', () => {
    const o = parseRunningConfig(`${OPERATOR_ONLY}
ip prefix-list ANYCASTD-ALL-V4 seq 5 permit 192.0.2.9/32
ip prefix-list ANYCASTD-WITHDRAW-V4 seq 5 permit 192.0.2.9/32
route-map ANYCASTD-OUT deny 50
 match ip address prefix-list ANYCASTD-ALL-V4
exit
route-map ANYCASTD-OUT permit 200
 match ip address prefix-list ANYCASTD-DEPREFER-V4
 set as-path prepend 64601
exit
`);
    const lines = buildBatch(o, spec('announce', ['192.0.2.1/32'], 2)).config;
    expect(lines).toContain(' set as-path prepend 64601 64601');
    expect(lines).toContain(' no set as-path prepend 64601');
    // The new prefix takes the next free slot; the stale one leaves its state list before ALL, at the very end.
    expect(lines).toContain('ip prefix-list ANYCASTD-ALL-V4 seq 10 permit 192.0.2.1/32');
    const wIdx = lines.indexOf('no ip prefix-list ANYCASTD-WITHDRAW-V4 seq 5 permit 192.0.2.9/32');
    const allIdx = lines.indexOf('no ip prefix-list ANYCASTD-ALL-V4 seq 5 permit 192.0.2.9/32');
    expect(wIdx).toBeGreaterThan(lines.indexOf('  network 192.0.2.1/32'));
    expect(allIdx).toBeGreaterThan(wIdx);
    expect(lines[lines.length - 1]).toBe('no route-map ANYCASTD-OUT deny 50');
    expect(lines.join('\n')).not.toMatch(/1000/);
  });
});

describe('blindWithdrawBatch', () => {
  it('denies ANYCASTD-ALL at seq 50 per family, prefixes added first', () => {
    const b = blindWithdrawBatch(['192.0.2.1/32', '2001:db8::1/128']);
    expect(b.config).toEqual([
      'ip prefix-list ANYCASTD-ALL-V4 seq 5 permit 192.0.2.1/32',
      'ipv6 prefix-list ANYCASTD-ALL-V6 seq 10 permit 2001:db8::1/128',
      'route-map ANYCASTD-OUT deny 50', ' match ip address prefix-list ANYCASTD-ALL-V4', 'exit',
      'route-map ANYCASTD-OUT deny 51', ' match ipv6 address prefix-list ANYCASTD-ALL-V6', 'exit',
    ]);
    expect(b.clear).toEqual(['clear bgp ipv4 unicast * soft out', 'clear bgp ipv6 unicast * soft out']);
  });

  it('an announced prefix is denied after the blind batch', () => {
    const fresh = parseRunningConfig(OPERATOR_ONLY);
    const up = applyLines(fresh, buildBatch(fresh, spec('announce')).config);
    expect(verdict(applyLines(up, blindWithdrawBatch(['192.0.2.1/32']).config), '192.0.2.1/32')).toBe('denied');
  });
});
