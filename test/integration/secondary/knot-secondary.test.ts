// anycastd as a secondary of a real Knot primary: first AXFR with TSIG, IXFR after an edit, a wrong key,
// a restart while the primary is down, expiry -> SERVFAIL and withdrawal, then recovery.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { CLI, freePort, startServer, udpExchange, type RunningServer } from '../support/server.js';
import { KnotPrimary, knotMissing } from './knot-primary.js';
import { formatTsigKey } from '../../../src/xfr/tsig-keys.js';
import { ask, settle, txt } from './helpers.js';
import { until } from '../support/wait.js';

const required = process.env.REQUIRE_E2E === '1';
const Z = 'sec.test.';
/** Long timers at first (nothing expires between tests); short ones for the expiry test. */
const zoneText = (serial: number, t = { refresh: 3600, retry: 1, expire: 600 }) =>
  `$ORIGIN ${Z}\n$TTL 300\n@ SOA ns1 admin ${serial} ${t.refresh} ${t.retry} ${t.expire} 300\n@ NS ns1\nns1 A 192.0.2.1\nwww TXT "serial ${serial}"\n` +
  Array.from({ length: serial }, (_, i) => `h${i} A 10.0.0.${i % 250}\n`).join('');

describe.skipIf(knotMissing !== null && !required)('secondary of a Knot hidden primary', () => {
  let knot: KnotPrimary;
  let node: RunningServer | null = null;
  let xfrDir: string;
  let keyFile: string;
  let nodePort: number;
  let httpPort: number;
  const status = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/status`, { signal: AbortSignal.timeout(2000) })).json()) as {
    state: string; routing: string; reason: string; zones: Record<string, unknown>[];
  };
  const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  const secZone = async () => (await status()).zones.find((z) => z.origin === Z && z.source === 'secondary');

  const startNode = async (extra: string[] = [], key = keyFile) => {
    node = await startServer({
      port: nodePort,
      args: ['--secondary', `${Z}@127.0.0.1:${knot.port},key=xfrkey`, '--tsig-keys', key, '--xfr-dir', xfrDir, '--http', `127.0.0.1:${httpPort}`,
        '--check-interval', '200', '--rise', '1', '--fall', '1', '--hold-down', '0', ...extra],
    });
  };
  const stopNode = async () => {
    await node?.stop();
    node = null;
  };

  beforeAll(async () => {
    if (knotMissing !== null) throw new Error(`REQUIRE_E2E=1 but ${knotMissing}`);
    nodePort = await freePort();
    httpPort = await freePort();
    xfrDir = mkdtempSync(join(tmpdir(), 'anycastd-xfr-'));
    knot = new KnotPrimary({ zones: { [Z]: zoneText(1) }, notifyPort: nodePort });
    await knot.start();
    keyFile = knot.keyFile();
  });
  afterAll(async () => {
    await stopNode();
    await knot?.cleanup();
    rmSync(xfrDir, { recursive: true, force: true });
  });

  it('transfers the zone by AXFR with TSIG, serves it beside the file zone, and keeps it as a zone file', async () => {
    await startNode();
    const p = await until('the secondary zone', async () => (await ask(nodePort, `www.${Z}`)).rcode === 'NOERROR' && ask(nodePort, `www.${Z}`));
    expect(txt(p)).toBe('serial 1');
    expect(p.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeTruthy();
    expect((await ask(nodePort, 'www.example.test.', 'A')).rcode).toBe('NOERROR');
    const z = await until('status', secZone);
    expect(z).toMatchObject({ source: 'secondary', primary: `127.0.0.1:${knot.port}`, serial: 1, lastError: null, expired: false });
    expect(typeof z.lastRefreshAt).toBe('number');
    expect(z.expiresAt as number).toBeGreaterThan(z.lastRefreshAt as number);
    const file = join(xfrDir, `${Z}zone`);
    expect(existsSync(file)).toBe(true);
    expect(execFileSync(process.execPath, [CLI, 'check', file], { encoding: 'utf8' })).toMatch(/sec\.test/);
    // Knot loads the same file (KnotPrimary.start waits for "[zone] loaded").
    const reader = new KnotPrimary({ zones: { [Z]: readFileSync(file, 'utf8') }, notifyPort: null });
    await reader.start();
    await reader.cleanup();
    const m = await until('metrics of the first transfer', async () => { const t = await metrics(); return t.includes(`anycastd_xfr_total{zone="${Z}",type="axfr",result="ok"} 1`) && t; });
    expect(m).toContain(`anycastd_xfr_total{zone="${Z}",type="axfr",result="ok"} 1`);
    expect(m).toMatch(new RegExp(`anycastd_zone_serial\\{zone="${Z.replace(/\./g, '\\.')}"\\} 1`));
    expect(m).toMatch(/anycastd_zone_refresh_timestamp_seconds\{zone="sec\.test\."\} \d+/);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: m, encoding: 'utf8' });
    if (promtool.error === undefined) expect(promtool.stdout + promtool.stderr).toBe('');
    // RFC 7314: EDNS EXPIRE tells how long our copy has left (SOA EXPIRE 600 here); file zones carry none.
    const expireOf = async (name: string) => {
      const q = dnsPacket.encode({ type: 'query', id: 9, questions: [{ name, type: 'SOA' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, options: [{ code: 9, data: Buffer.alloc(0) }] } as never] });
      const r = dnsPacket.decode((await udpExchange(nodePort, q, 1000))!) as dnsPacket.Packet;
      const opt = r.additionals?.find((x) => x.type === 'OPT') as { options?: { code: number; data: Buffer }[] } | undefined;
      const o = opt?.options?.find((x) => x.code === 9);
      return o ? o.data.readUInt32BE(0) : null;
    };
    const left = await expireOf(Z);
    expect(left).toBeGreaterThan(590);
    expect(left).toBeLessThanOrEqual(600);
    expect(await expireOf('example.test.')).toBeNull();
    // Outbound transfers stay refused.
    expect((await ask(nodePort, Z, 'AXFR')).rcode).not.toBe('NOERROR');
  });

  it('a wrong key is refused by the primary: the old zone stays, the error shows in /status and metrics', async () => {
    await stopNode();
    const wrong = join(xfrDir, '..', `wrong-${process.pid}.key`);
    writeFileSync(wrong, formatTsigKey({ ...knot.key, secret: Buffer.from('not the right secret at all......') }));
    knot.update(Z, zoneText(2));
    await startNode([], wrong);
    const z = await until('a transfer error', async () => {
      const s = await secZone();
      return s && s.lastError ? s : null;
    });
    expect(String(z.lastError)).toMatch(/NOTAUTH.*BADSIG/);
    expect(z.serial).toBe(1);
    expect(txt(await ask(nodePort, `www.${Z}`))).toBe('serial 1');
    await until('the error counted', async () => /anycastd_xfr_total\{zone="sec\.test\.",type="(ixfr|axfr)",result="error"\} [1-9]/.test(await metrics()));
    rmSync(wrong);
    await stopNode();
  });

  it('with the right key, the next refresh gets serial 2 by IXFR from the journal', async () => {
    await startNode();
    await until('serial 2', async () => txt(await ask(nodePort, `www.${Z}`)) === 'serial 2').catch((e) => {
      throw new Error(`${e}\n${node?.logTail(15)}\n${knot.log.slice(-1500)}`);
    });
    await until('the IXFR counted', async () => (await metrics()).includes(`anycastd_xfr_total{zone="${Z}",type="ixfr",result="ok"} 1`));
    expect(readFileSync(join(xfrDir, `${Z}zone`), 'utf8')).toMatch(/serial 2/);
  });

  it('expires while the primary is down: SERVFAIL and withdrawn; a restart does not make it fresh; it recovers', async () => {
    knot.update(Z, zoneText(3, { refresh: 2, retry: 1, expire: 4 }));
    await stopNode();
    await startNode();
    await until('serial 3', async () => txt(await ask(nodePort, `www.${Z}`)) === 'serial 3');
    await knot.stop();
    await until('SERVFAIL', async () => (await ask(nodePort, `www.${Z}`)).rcode === 'SERVFAIL', 10_000);
    expect((await ask(nodePort, 'www.example.test.', 'A')).rcode).toBe('NOERROR');
    const s = await until('down', async () => {
      const st = await status();
      return st.state === 'down' ? st : null;
    });
    expect(s.reason).toMatch(/expired/);
    expect((await secZone())!.expired).toBe(true);
    // A restart while the primary is still down: served from --xfr-dir, still expired.
    await stopNode();
    await startNode();
    expect((await ask(nodePort, `www.${Z}`)).rcode).toBe('SERVFAIL');
    // The primary comes back: retries at the SOA retry interval pick it up.
    await knot.start();
    await until('fresh again', async () => (await ask(nodePort, `www.${Z}`)).rcode === 'NOERROR', 10_000);
    await until('up', async () => (await status()).state === 'up');
  });

  it('--keep-expired-announced keeps the route while the zone answers SERVFAIL', async () => {
    await stopNode();
    await knot.stop();
    await startNode(['--keep-expired-announced']);
    await until('SERVFAIL', async () => (await ask(nodePort, `www.${Z}`)).rcode === 'SERVFAIL', 10_000);
    await settle();
    expect((await status()).state).toBe('up');
    await knot.start();
  });
});
