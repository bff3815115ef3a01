// Real FRR 8.4: zebra + staticd + bgpd in a namespace, a BIRD peer in another. The FRR controller applies each
// state and vtysh / the peer show it; a restarted bgpd stays silent until anycastd re-applies; withdraw works alone.
// Needs root (network namespaces); run under `flock /tmp/anycastd-netns.lock`.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrController } from '../../../src/frr/controller.js';
import { parseRunningConfig, differences } from '../../../src/frr/config.js';
import { runFrrWithdraw } from '../../../src/frr/withdraw.js';
import type { RouteState, RoutingSpec } from '../../../src/routing/controller.js';
import { REPO, must, run, sleep } from '../anycast-lab/base.js';
import { Bird, parseBirdRoutes, type BirdRoute } from '../anycast-lab/bird.js';
import { FRR_BIN, Frr, frrPrerequisites } from '../anycast-lab/frr.js';

const P = '192.0.2.1/32';
const NODE_AS = 64601;
const PEER_AS = 64600;
const spec = (state: RouteState): RoutingSpec => ({ state, prefixes: [P], prependCount: 3, med: 70, reason: `integration ${state}` });

const missing = [...frrPrerequisites(), ...(typeof process.getuid === 'function' && process.getuid() !== 0 ? ['root (network namespaces)'] : [])];
if (spawnFails('bird')) missing.push('bird (Debian bird2)');
if (missing.length && process.env.REQUIRE_E2E === '1') {
  describe('FRR integration', () => it('has its tools (REQUIRE_E2E=1)', () => expect.fail(`missing: ${missing.join(', ')}`)));
} else if (missing.length) {
  console.warn(`skipping FRR integration tests: missing ${missing.join(', ')}`);
}

function spawnFails(cmd: string): boolean {
  return spawnSync(cmd, ['--version']).status !== 0;
}

describe.skipIf(missing.length > 0)('FRR integration', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const nodeNs = `acf${suffix}-n`;
  const peerNs = `acf${suffix}-p`;
  let dir: string;
  let frr: Frr;
  let peer: Bird;

  /** The peer's view of P: empty when withdrawn, else one route with its AS path. */
  async function peerRoutes(): Promise<BirdRoute[]> {
    const r = await run('birdc', ['-s', peer.ctl, 'show', 'route', 'for', P, 'all'], 5000);
    if (/Network not found/.test(r.stdout)) return [];
    if (r.code !== 0) throw new Error(`birdc: ${r.stdout} ${r.stderr}`);
    return parseBirdRoutes(r.stdout);
  }
  async function waitPeer(what: string, ok: (r: BirdRoute[]) => boolean, timeoutMs = 8000): Promise<{ routes: BirdRoute[]; ms: number }> {
    const t0 = performance.now();
    for (;;) {
      const routes = await peerRoutes();
      if (ok(routes)) return { routes, ms: performance.now() - t0 };
      if (performance.now() - t0 > timeoutMs) throw new Error(`peer never saw ${what}: ${JSON.stringify(routes)}\n${frr.log('bgpd')}`);
      await sleep(25);
    }
  }
  const announced = (r: BirdRoute[]) => r.length === 1 && r[0].asPath.join(' ') === `${NODE_AS}`;
  const depreferred = (r: BirdRoute[]) => r.length === 1 && r[0].asPath.join(' ') === `${NODE_AS} ${NODE_AS} ${NODE_AS} ${NODE_AS}`;
  const gone = (r: BirdRoute[]) => r.length === 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-frr-'));
    for (const ns of [nodeNs, peerNs]) {
      await must('ip', ['netns', 'add', ns]);
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await must('ip', ['-n', peerNs, 'link', 'add', 'to-node', 'type', 'veth', 'peer', 'name', 'uplink', 'netns', nodeNs]);
    await must('ip', ['-n', peerNs, 'addr', 'add', '198.18.9.1/30', 'dev', 'to-node']);
    await must('ip', ['-n', peerNs, 'link', 'set', 'to-node', 'up']);
    await must('ip', ['-n', nodeNs, 'addr', 'add', '198.18.9.2/30', 'dev', 'uplink']);
    await must('ip', ['-n', nodeNs, 'link', 'set', 'uplink', 'up']);
    const frrDir = join(dir, 'frr');
    mkdirSync(frrDir);
    frr = new Frr(
      nodeNs,
      frrDir,
      `frr defaults traditional\nhostname node\n` +
        `router bgp ${NODE_AS}\n bgp router-id 198.18.9.2\n no bgp ebgp-requires-policy\n` +
        ` neighbor 198.18.9.1 remote-as ${PEER_AS}\n neighbor 198.18.9.1 timers connect 1\n` +
        ` address-family ipv4 unicast\n  neighbor 198.18.9.1 route-map ANYCASTD-OUT out\n exit-address-family\nexit\n`,
    );
    await frr.start();
    const peerDir = join(dir, 'peer');
    mkdirSync(peerDir);
    const conf = join(peerDir, 'bird.conf');
    writeFileSync(
      conf,
      `router id 198.18.9.1;\nprotocol device { scan time 10; }\n` +
        `protocol bgp node { local 198.18.9.1 as ${PEER_AS}; neighbor 198.18.9.2 as ${NODE_AS};\n` +
        `  connect delay time 1; connect retry time 1; error wait time 1, 2; hold time 6;\n  ipv4 { import all; export none; }; }\n`,
    );
    peer = new Bird(peerNs, peerDir, conf);
    await peer.start();
    const deadline = Date.now() + 20_000;
    while (!/node\s.*Established/.test(await peer.birdc('show', 'protocols'))) {
      if (Date.now() > deadline) throw new Error(`BGP session not up: ${await peer.birdc('show', 'protocols')}\n${frr.log('bgpd')}`);
      await sleep(100);
    }
  }, 60_000);

  afterAll(async () => {
    await peer?.stop().catch(() => undefined);
    await frr?.stop().catch(() => undefined);
    for (const ns of [nodeNs, peerNs]) {
      const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split('\n').map(Number).filter((n) => n > 0);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await run('ip', ['netns', 'del', ns]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('bgpd -C accepts the example frr/frr.conf (vtysh-only lines aside)', () => {
    const r = spawnSync(`${FRR_BIN}/bgpd`, ['-C', '-f', join(REPO, 'frr/frr.conf')], { encoding: 'utf8' });
    const complaints = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /No such command|Unknown command|error/i.test(l) && !/service integrated-vtysh-config/.test(l));
    expect(r.status, r.stderr).toBe(0);
    expect(complaints).toEqual([]);
  });

  it('a fresh node stays silent: no ANYCASTD-OUT yet means deny', async () => {
    await frr.vtysh(['configure terminal', 'ip route 192.0.2.1/32 blackhole', 'router bgp 64601', 'address-family ipv4 unicast', `network ${P}`]);
    await sleep(1500);
    expect(await peerRoutes()).toEqual([]);
    await frr.vtysh(['configure terminal', 'router bgp 64601', 'address-family ipv4 unicast', `no network ${P}`]);
  });

  it('applies each state; bgpd shows it (running-config, show ip bgp) and the peer sees it', async () => {
    const c = new FrrController({ vtysh: frr.vtyshCommand, timeoutMs: 3000 });
    const times: Record<string, number> = {};
    for (const [state, ok] of [['withdraw', gone], ['announce', announced], ['deprefer', depreferred], ['announce', announced], ['withdraw', gone]] as const) {
      const t0 = performance.now();
      const r = await c.apply(spec(state));
      expect(r, `${state}: ${r.error}`).toMatchObject({ applied: true });
      const seen = await waitPeer(state, ok);
      times[`${state} (peer saw it)`] = Math.round(performance.now() - t0);
      expect(seen.routes.length).toBe(state === 'withdraw' ? 0 : 1);
      const obs = parseRunningConfig(await frr.show('show running-config bgpd'));
      expect(differences(obs, spec(state))).toEqual([]);
      expect(obs.networks[4].has(P)).toBe(true); // the network statement stays in every state
    }
    const bgp = JSON.parse(await frr.show(`show ip bgp ${P} json`)) as { paths?: { valid: boolean }[] };
    expect(bgp.paths?.[0]?.valid).toBe(true);
    // The operator's side was never touched; the MED rides with the prepend.
    expect(await frr.show('show running-config bgpd')).toMatch(/set metric 70/);
    console.log(`FRR apply -> peer: ${JSON.stringify(times)}`);
    expect(c.status()).toMatchObject({ applies: 5, localAs: NODE_AS });
  }, 60_000);

  it('bgpd restarted comes back silent; reconcile notices and re-applies the state', async () => {
    const c = new FrrController({ vtysh: frr.vtyshCommand, timeoutMs: 3000 });
    expect((await c.apply(spec('announce'))).applied).toBe(true);
    await waitPeer('announce', announced);
    await frr.restartBgpd();
    // The session comes back, but bgpd has only its config file: nothing is sent.
    const deadline = Date.now() + 15_000;
    while (!/node\s.*Established/.test(await peer.birdc('show', 'protocols')) && Date.now() < deadline) await sleep(100);
    await sleep(1000);
    expect(await peerRoutes()).toEqual([]);
    const t0 = performance.now();
    const r = await c.reconcile(spec('announce'));
    expect(r).toMatchObject({ applied: true });
    const seen = await waitPeer('announce again', announced);
    console.log(`FRR restart: re-applied and seen by the peer in ${Math.round(performance.now() - t0)} ms (peer wait ${Math.round(seen.ms)} ms)`);
    expect(c.status().drifts).toBe(1);
    expect(await c.reconcile(spec('announce'))).toBeNull();
  }, 60_000);

  it('anycastd withdraw (no service): one vtysh run, the peer loses the route; serve undoes seq 50 later', async () => {
    const c = new FrrController({ vtysh: frr.vtyshCommand, timeoutMs: 3000 });
    expect((await c.apply(spec('announce'))).applied).toBe(true);
    await waitPeer('announce', announced);
    const lines: string[] = [];
    const t0 = performance.now();
    expect(await runFrrWithdraw({ vtysh: frr.vtyshCommand, anycast: [P], log: (l) => lines.push(l) })).toBe(0);
    const seen = await waitPeer('withdraw', gone);
    console.log(`FRR withdraw: ${lines.join(' ')}; peer lost the route ${Math.round(performance.now() - t0)} ms after start (wait ${Math.round(seen.ms)} ms)`);
    expect(await frr.show('show running-config bgpd')).toMatch(/route-map ANYCASTD-OUT deny 50/);
    expect(await c.reconcile(spec('announce'))).toMatchObject({ applied: true });
    expect(await frr.show('show running-config bgpd')).not.toMatch(/deny 50/);
    await waitPeer('announce', announced);
  }, 60_000);

  it('a hung bgpd (SIGSTOP) times out, is reported, and recovers on SIGCONT', async () => {
    const c = new FrrController({ vtysh: frr.vtyshCommand, timeoutMs: 300, attempts: 2 });
    frr.signal('bgpd', 'SIGSTOP');
    try {
      const t0 = performance.now();
      const r = await c.apply(spec('withdraw'));
      expect(r).toMatchObject({ applied: false, errorKind: 'timeout' });
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(c.status().applyFailures.timeout).toBe(1);
    } finally {
      frr.signal('bgpd', 'SIGCONT');
    }
    expect(await c.reconcile(spec('withdraw'))).toMatchObject({ applied: true });
    await waitPeer('withdraw', gone);
  }, 30_000);

  it('bgpd down: kind bgpd-down, and withdraw exits 0', async () => {
    await frr.kill9('bgpd');
    try {
      const c = new FrrController({ vtysh: frr.vtyshCommand, timeoutMs: 1000, attempts: 1 });
      expect(await c.apply(spec('withdraw'))).toMatchObject({ applied: false, errorKind: 'bgpd-down' });
      expect(await runFrrWithdraw({ vtysh: frr.vtyshCommand, anycast: [P], log: () => undefined })).toBe(0);
    } finally {
      await frr.startDaemon('bgpd');
    }
  }, 30_000);
});
