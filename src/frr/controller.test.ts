// Tests for the FRR controller over a fake vtysh: apply + read-back, coalescing, retries, bgpd down/hung/restarted.

import { describe, expect, it } from 'vitest';
import type { RouteState, RoutingSpec } from '../routing/controller.js';
import { FrrController } from './controller.js';
import { FakeBgpd, verdict } from './fake-bgpd.test-util.js';
import { runFrrWithdraw } from './withdraw.js';

const P = '192.0.2.1/32';
const spec = (state: RouteState): RoutingSpec => ({ state, prefixes: [P], prependCount: 2, med: null, reason: `test ${state}` });
const make = (bgpd: FakeBgpd, timeoutMs = 2000) => new FrrController({ run: bgpd.run, timeoutMs, sleep: async () => undefined, checkEveryMs: 0 });

describe('FrrController', () => {
  it('applies each state, refreshes the peers, and counts it applied only once bgpd shows it', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    for (const state of ['withdraw', 'announce', 'deprefer', 'withdraw'] as RouteState[]) {
      const r = await c.apply(spec(state));
      expect(r).toMatchObject({ applied: true, attempts: 1 });
      expect(verdict(bgpd.state, P)).toBe(state === 'withdraw' ? 'denied' : state);
    }
    const writes = bgpd.calls.filter((c) => c[0] === 'configure terminal' && c.some((l) => l.startsWith('clear bgp')));
    expect(writes.length).toBe(4);
    for (const w of writes) expect(w.slice(-2)).toEqual(['end', 'clear bgp ipv4 unicast * soft out']);
    const s = c.status();
    expect(s).toMatchObject({ router: 'frr', applies: 4, applied: true, localAs: 64601, drifts: 0, pending: [] });
    expect(s.desired?.state).toBe('withdraw');
  });

  it('the prepend uses the AS read from bgpd', async () => {
    const bgpd = new FakeBgpd();
    bgpd.state.localAs = 4200000001;
    await make(bgpd).apply(spec('deprefer'));
    expect(bgpd.state.routeMap.get(200)?.lines).toContain('set as-path prepend 4200000001 4200000001');
  });

  it('coalesces: while one apply runs, only the newest waiting spec is applied', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    const results = await Promise.all([c.apply(spec('announce')), c.apply(spec('deprefer')), c.apply(spec('withdraw'))]);
    expect(results[0].applied).toBe(true);
    expect(results[1].superseded).toBe(true);
    expect(results[2].applied).toBe(true);
    expect(verdict(bgpd.state, P)).toBe('denied');
  });

  it('bgpd down: fails with bgpd-down after the attempts, counted; succeeds once it is back', async () => {
    const bgpd = new FakeBgpd();
    bgpd.down = true;
    const c = make(bgpd);
    const r = await c.apply(spec('announce'));
    expect(r).toMatchObject({ applied: false, errorKind: 'bgpd-down', attempts: 3 });
    expect(c.status().applyFailures['bgpd-down']).toBe(1);
    expect(c.status().lastError?.kind).toBe('bgpd-down');
    bgpd.down = false;
    expect(await c.reconcile(spec('announce'))).toMatchObject({ applied: true });
    expect(verdict(bgpd.state, P)).toBe('announce');
  });

  it('a hung vtysh times out (never blocks longer than attempts x timeout)', async () => {
    const bgpd = new FakeBgpd();
    bgpd.hang = true;
    const c = make(bgpd, 50);
    const t0 = performance.now();
    const r = await c.apply(spec('withdraw'));
    expect(r).toMatchObject({ applied: false, errorKind: 'timeout', attempts: 3 });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a failing line: the read-back decides, the error is reported, and retries do not repeat applied lines', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    await c.apply(spec('withdraw'));
    bgpd.failLine = /ANYCASTD-WITHDRAW-V4 seq 5/; // the removal from the withdraw list fails every time
    const r = await c.apply(spec('announce'));
    expect(r).toMatchObject({ applied: false, errorKind: 'command' });
    expect(verdict(bgpd.state, P)).toBe('denied'); // the add to ANNOUNCE went in, the deny still wins
    expect(c.status().pending.join()).toMatch(/still in ANYCASTD-WITHDRAW-V4/);
    bgpd.failLine = null;
    expect(await c.reconcile(spec('announce'))).toMatchObject({ applied: true });
    expect(verdict(bgpd.state, P)).toBe('announce');
  });

  it('reconcile: quiet while bgpd shows the state; re-applies after a bgpd restart, counted as a drift', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    await c.apply(spec('announce'));
    expect(await c.reconcile(spec('announce'))).toBeNull();
    bgpd.restart();
    expect(verdict(bgpd.state, P)).toBe('absent');
    expect(await c.reconcile(spec('announce'))).toMatchObject({ applied: true });
    expect(verdict(bgpd.state, P)).toBe('announce');
    expect(c.status().drifts).toBe(1);
  });

  it('reconcile reads bgpd at most once per checkEveryMs', async () => {
    const bgpd = new FakeBgpd();
    const c = new FrrController({ run: bgpd.run, sleep: async () => undefined, checkEveryMs: 60_000 });
    await c.apply(spec('announce'));
    const runs = c.status().vtyshRuns;
    expect(await c.reconcile(spec('announce'))).toBeNull();
    expect(await c.reconcile(spec('announce'))).toBeNull();
    expect(c.status().vtyshRuns).toBe(runs + 1);
  });

  it('the next change reuses the last read-back: one vtysh write, one read-back', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    await c.apply(spec('withdraw'));
    const runs = c.status().vtyshRuns;
    await c.apply(spec('announce'));
    expect(c.status().vtyshRuns - runs).toBe(2);
    expect(verdict(bgpd.state, P)).toBe('announce');
  });

  it('a stale read-back (bgpd restarted unseen) costs one more attempt, never a wrong state', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    await c.apply(spec('announce'));
    bgpd.restart();
    const r = await c.apply(spec('deprefer'));
    expect(r).toMatchObject({ applied: true, attempts: 2 });
    expect(verdict(bgpd.state, P)).toBe('deprefer');
  });

  it('reconcile while bgpd is down: shows not applied, no drift counted, re-applies when it returns', async () => {
    const bgpd = new FakeBgpd();
    const c = make(bgpd);
    await c.apply(spec('announce'));
    bgpd.down = true;
    expect(await c.reconcile(spec('announce'))).toBeNull();
    expect(c.status()).toMatchObject({ applied: false, drifts: 0 });
    bgpd.down = false;
    bgpd.restart();
    expect(await c.reconcile(spec('announce'))).toMatchObject({ applied: true });
  });
});

describe('runFrrWithdraw', () => {
  it('one vtysh run denies an announced prefix and refreshes', async () => {
    const bgpd = new FakeBgpd();
    await make(bgpd).apply(spec('announce'));
    bgpd.calls = [];
    const lines: string[] = [];
    expect(await runFrrWithdraw({ run: bgpd.run, anycast: [P], log: (l) => lines.push(l) })).toBe(0);
    expect(bgpd.calls).toHaveLength(1);
    expect(verdict(bgpd.state, P)).toBe('denied');
    expect(lines.join()).toMatch(/FRR denies 192.0.2.1\/32/);
  });

  it('without --anycast it reads the prefixes from bgpd', async () => {
    const bgpd = new FakeBgpd();
    await make(bgpd).apply(spec('deprefer'));
    expect(await runFrrWithdraw({ run: bgpd.run, log: () => undefined })).toBe(0);
    expect(verdict(bgpd.state, P)).toBe('denied');
  });

  it('bgpd down exits 0 (frr.conf keeps a restarted bgpd silent); bad prefix 2; hung vtysh 1', async () => {
    const bgpd = new FakeBgpd();
    bgpd.down = true;
    expect(await runFrrWithdraw({ run: bgpd.run, anycast: [P], log: () => undefined })).toBe(0);
    expect(await runFrrWithdraw({ run: bgpd.run, anycast: ['192.0.2.1/33'], log: () => undefined })).toBe(2);
    bgpd.down = false;
    bgpd.hang = true;
    expect(await runFrrWithdraw({ run: bgpd.run, anycast: [P], timeoutMs: 20, attempts: 2, log: () => undefined })).toBe(1);
  });
});
