// Real BIRD 2: the example bird.conf parses in every state, and the announcer steers a live BIRD and its BGP peer.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BirdAnnouncer } from '../../../src/bird/announcer.js';
import { BirdControl, CONFIGURE_OK_CODES } from '../../../src/bird/control-socket.js';
import { ANNOUNCE_STATES, writeInclude, type IncludeSpec } from '../../../src/bird/include-file.js';
import { runWithdraw } from '../../../src/bird/withdraw.js';
import { birdAvailable, birdParse, freePort, startBird, waitFor, type RunningBird } from './bird-lab.js';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const EXAMPLE_INCLUDE = '/run/anycastd/bird-anycast.conf';
const PREFIXES = ['192.0.2.1/32', '2001:db8::1/128'];
const spec = (state: IncludeSpec['state'], extra: Partial<IncludeSpec> = {}): IncludeSpec => ({
  state,
  prefixes: PREFIXES,
  prependCount: 3,
  reason: `integration ${state}`,
  ...extra,
});

const haveBird = birdAvailable();
if (!haveBird && process.env.REQUIRE_E2E === '1') {
  describe('BIRD integration', () => it('needs bird (REQUIRE_E2E=1)', () => expect.fail('bird is not installed but REQUIRE_E2E=1')));
} else if (!haveBird) {
  console.warn('skipping BIRD integration tests: `bird` not found (install bird2, or set REQUIRE_E2E=1 to fail instead)');
}

describe.skipIf(!haveBird)('BIRD integration', () => {
  let dir: string;
  const birds: RunningBird[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-bird-'));
  });
  afterAll(async () => {
    for (const b of birds) await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bird -p accepts the example bird.conf with the include in every state', async () => {
    const include = join(dir, 'example-include.conf');
    const example = readFileSync(join(REPO, 'bird/bird.conf'), 'utf8');
    expect(example).toContain(`include "${EXAMPLE_INCLUDE}";`);
    const conf = join(dir, 'example.conf');
    writeFileSync(conf, example.replace(EXAMPLE_INCLUDE, include));
    for (const state of ANNOUNCE_STATES) {
      await writeInclude(include, spec(state, { med: 500, community: [65001, 666] }));
      expect(birdParse(conf), state).toEqual({ ok: true, output: '' });
    }
    // The check has teeth: BIRD refuses a missing include and a broken one.
    rmSync(include);
    expect(birdParse(conf).output).toMatch(/Unable to open included file/);
    writeFileSync(include, 'define ANYCASTD_PREPEND = ;\n');
    expect(birdParse(conf).ok).toBe(false);
  });

  it('the announcer steers a live BIRD; its BGP peer sees the prepends and the withdrawal', async () => {
    const include = join(dir, 'bird-anycast.conf');
    const [portNode, portPeer] = [await freePort('127.0.0.1'), await freePort('127.0.0.2')];
    const timers = 'connect delay time 1; connect retry time 1; error wait time 1, 2; hold time 6;';
    const nodeConf = join(dir, 'node.conf');
    writeFileSync(
      nodeConf,
      `router id 10.255.0.1;\nprotocol device {}\ninclude "${include}";\n` +
        `protocol bgp upstream { local 127.0.0.1 port ${portNode} as 65001; neighbor 127.0.0.2 port ${portPeer} as 65000;\n` +
        `  multihop; ${timers}\n` +
        `  ipv4 { import none; export where anycastd_export(65001); next hop self; };\n` +
        `  ipv6 { import none; export where anycastd_export(65001); next hop address ::1; }; }\n`,
    );
    const peerConf = join(dir, 'peer.conf');
    writeFileSync(
      peerConf,
      `router id 10.255.0.2;\nprotocol device {}\n` +
        `protocol bgp node { local 127.0.0.2 port ${portPeer} as 65000; neighbor 127.0.0.1 port ${portNode} as 65001;\n` +
        `  multihop; ${timers}\n  ipv4 { import all; export none; };\n  ipv6 { import all; export none; }; }\n`,
    );

    // BIRD will not start without the include: `anycastd withdraw` creates it while BIRD is down.
    const log: string[] = [];
    expect(await runWithdraw({ birdInclude: include, birdSocket: join(dir, 'node.ctl'), anycast: PREFIXES, attempts: 1, log: (l) => log.push(l) })).toBe(0);
    expect(log.join('\n')).toMatch(/\[absent\]/);

    const peer = await startBird(dir, 'peer', peerConf);
    birds.push(peer);
    const node = await startBird(dir, 'node', nodeConf);
    birds.push(node);
    const established = await waitFor(async () => (await node.client.showProtocols('upstream')).includes('Established'), 20_000);
    console.log(`BGP session up after ${Math.round(established)} ms`);

    const announcer = new BirdAnnouncer({ includePath: include, socketPath: node.ctl, timeoutMs: 2000 });
    const peerPath = async (prefix: string): Promise<string | null> => {
      const text = await peer.client.showRoute(prefix, { all: true });
      return /BGP\.as_path: (.*)/.exec(text)?.[1]?.trim() ?? null;
    };
    const step = async (desired: IncludeSpec, expectPath: string | null): Promise<void> => {
      const r = await announcer.apply(desired);
      expect(r, JSON.stringify(r)).toMatchObject({ written: true, reloaded: true });
      expect(CONFIGURE_OK_CODES.has(r.code!)).toBe(true);
      const nodeRoute = await node.client.showRoute('192.0.2.1/32');
      if (desired.state === 'withdraw') expect(nodeRoute).toBe('Network not found');
      else expect(nodeRoute).toMatch(/192\.0\.2\.1\/32\s+blackhole \[anycastd_v4/);
      const seen = await waitFor(async () => (await peerPath('192.0.2.1/32')) === expectPath && (await peerPath('2001:db8::1/128')) === expectPath, 5000);
      console.log(`${desired.state}: write+configure ${r.durationMs.toFixed(1)} ms (reply ${String(r.code).padStart(4, '0')}), peer saw it ${Math.round(seen)} ms later`);
    };

    await step(spec('announce'), '65001');
    await step(spec('deprefer', { med: 500, community: [65001, 666] }), '65001 65001 65001 65001');
    const detail = await peer.client.showRoute('192.0.2.1/32', { all: true });
    expect(detail).toContain('BGP.med: 500');
    expect(detail).toContain('BGP.community: (65001,666)');
    await step(spec('deprefer', { prependCount: 1 }), '65001 65001');
    await step(spec('announce'), '65001');
    await step(spec('withdraw'), null);
    await step(spec('announce'), '65001');

    // The ExecStopPost path with BIRD up: withdraws and reloads.
    expect(await runWithdraw({ birdInclude: include, birdSocket: node.ctl, log: (l) => log.push(l) })).toBe(0);
    expect(log.at(-1)).toMatch(/BIRD reloaded \(3 Reconfigured\)/);
    await waitFor(async () => (await peerPath('192.0.2.1/32')) === null, 5000);

    // Reload timing over a few rounds (write + fsync + rename + configure round trip).
    const times: number[] = [];
    for (let i = 0; i < 10; i++) times.push((await announcer.apply(spec(i % 2 ? 'withdraw' : 'announce'))).durationMs);
    times.sort((a, b) => a - b);
    console.log(`apply() write+configure over 10 rounds: min ${times[0].toFixed(1)} ms, median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms`);
    expect(announcer.status()).toMatchObject({ writeFailures: 0, reloadFailures: { timeout: 0, absent: 0, 'refused-config': 0, other: 0 } });

    // A config error in bird.conf (not ours) is reported as refused-config, with BIRD's message.
    const good = readFileSync(nodeConf, 'utf8');
    writeFileSync(nodeConf, `${good}\nprotocol static broken { ipv4; route 198.51.100.0/24 nowhere; }\n`);
    const refused = await announcer.apply(spec('announce'));
    expect(refused).toMatchObject({ written: true, reloaded: false, errorKind: 'refused-config', code: 8002, attempts: 1 });
    console.log(`broken bird.conf: ${refused.error}`);
    writeFileSync(nodeConf, good);
    expect(await announcer.apply(spec('announce'))).toMatchObject({ reloaded: true });
  });

  it('a hung BIRD times out, a BIRD killed mid-reload fails fast, and a restarted BIRD comes back in the written state', async () => {
    const node = birds.find((b) => b.name === 'node')!;
    const include = join(dir, 'bird-anycast.conf');
    const announcer = new BirdAnnouncer({ includePath: include, socketPath: node.ctl, timeoutMs: 500, retry: { maxAttempts: 1 } });

    node.signal('SIGSTOP'); // the socket still accepts (kernel backlog) but BIRD never answers
    const hung = await announcer.apply(spec('deprefer'));
    expect(hung).toMatchObject({ written: true, reloaded: false, errorKind: 'timeout' });
    expect(hung.durationMs).toBeLessThan(1500);
    console.log(`hung BIRD: ${hung.error} after ${hung.durationMs.toFixed(0)} ms`);

    const slow = new BirdAnnouncer({ includePath: include, socketPath: node.ctl, timeoutMs: 2000, retry: { maxAttempts: 1 } });
    const pending = slow.apply(spec('deprefer'));
    await new Promise((r) => setTimeout(r, 100));
    node.signal('SIGKILL');
    const killed = await pending;
    expect(killed).toMatchObject({ written: true, reloaded: false });
    expect(['other', 'absent']).toContain(killed.errorKind);
    expect(killed.durationMs).toBeLessThan(2000);
    console.log(`BIRD killed mid-reload: [${killed.errorKind}] ${killed.error} after ${killed.durationMs.toFixed(0)} ms`);
    await new Promise<void>((r) => (node.proc.exitCode !== null || node.proc.signalCode !== null ? r() : node.proc.once('exit', () => r())));

    const absent = await announcer.apply(spec('deprefer', { prependCount: 2 }));
    expect(absent).toMatchObject({ written: true, reloaded: false, errorKind: 'absent' });
    expect(announcer.status().reloadFailures).toMatchObject({ timeout: 1, absent: 1 });

    // BIRD reads the same file when it starts again: the route is back, de-preferred.
    const restarted = await startBird(dir, 'node', join(dir, 'node.conf'));
    birds.push(restarted);
    const peer = birds.find((b) => b.name === 'peer')!;
    const back = await waitFor(async () => /BGP\.as_path: 65001 65001 65001\n/.test(await peer.client.showRoute('192.0.2.1/32', { all: true })), 20_000);
    console.log(`restarted BIRD re-announced the written (deprefer) state after ${Math.round(back)} ms`);
    expect(await new BirdControl({ socketPath: restarted.ctl }).showRoute('2001:db8::1/128')).toMatch(/blackhole \[anycastd_v6/);
  });
});
