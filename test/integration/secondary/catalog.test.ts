// Catalog zones (RFC 9432) from Knot (`catalog-role: generate`): members added and removed on the primary are
// served and dropped by the node, and a restart with the primary down serves the same members.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../support/server.js';
import { KnotPrimary, knotMissing } from './knot-primary.js';
import { ask, txt } from './helpers.js';
import { until } from '../support/wait.js';

const required = process.env.REQUIRE_E2E === '1';
const CAT = 'cat.test.';
const member = (zone: string, serial = 1) =>
  `$ORIGIN ${zone}\n$TTL 300\n@ SOA ns1 admin ${serial} 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\nwww TXT "${zone} ${serial}"\n`;

describe.skipIf(knotMissing !== null && !required)('catalog zones from Knot', () => {
  let knot: KnotPrimary;
  let node: RunningServer | null = null;
  let xfrDir: string;
  let nodePort: number;
  let httpPort: number;
  const status = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/status`, { signal: AbortSignal.timeout(2000) })).json()) as {
    zones: { origin: string; source?: string; catalog?: string }[]; catalogs?: { origin: string; members: string[]; lastError: string | null }[];
  };
  const serves = async (zone: string) => (await ask(nodePort, `www.${zone}`)).rcode === 'NOERROR';
  const startNode = async () => {
    node = await startServer({
      port: nodePort,
      args: ['--catalog', `${CAT}@127.0.0.1:${knot.port},key=xfrkey`, '--tsig-keys', knot.keyFile(), '--xfr-dir', xfrDir, '--http', `127.0.0.1:${httpPort}`, '--check-interval', '200'],
    });
  };

  beforeAll(async () => {
    if (knotMissing !== null) throw new Error(`REQUIRE_E2E=1 but ${knotMissing}`);
    nodePort = await freePort();
    httpPort = await freePort();
    xfrDir = mkdtempSync(join(tmpdir(), 'anycastd-xfr-cat-'));
    knot = new KnotPrimary({ zones: { 'm1.test.': member('m1.test.'), 'm2.test.': member('m2.test.') }, members: ['m1.test.', 'm2.test.'], catalog: CAT, notifyPort: nodePort });
    await knot.start();
    await startNode();
  });
  afterAll(async () => {
    await node?.stop();
    await knot?.cleanup();
    rmSync(xfrDir, { recursive: true, force: true });
  });

  it('serves the members of the catalog, not the catalog itself', async () => {
    await until('m1 and m2', async () => (await serves('m1.test.')) && (await serves('m2.test.')));
    expect(txt(await ask(nodePort, 'www.m2.test.'))).toBe('m2.test. 1');
    const s = await until('catalog in /status', async () => { const st = await status(); return st.catalogs?.[0]?.members.length === 2 && st.zones.filter((z) => z.source === 'secondary').length === 2 && st; });
    expect(s.catalogs?.[0]).toMatchObject({ origin: CAT, members: ['m1.test.', 'm2.test.'], lastError: null });
    expect(s.zones.filter((z) => z.source === 'secondary').map((z) => [z.origin, z.catalog]).sort()).toEqual([['m1.test.', CAT], ['m2.test.', CAT]]);
    expect((await ask(nodePort, `version.${CAT}`)).rcode).toBe('REFUSED');
  });

  it('a member added on the primary is served; a removed one stops being served at once', async () => {
    const t0 = Date.now();
    knot.reconfigure({ 'm2.test.': member('m2.test.'), 'm3.test.': member('m3.test.') }, ['m2.test.', 'm3.test.']);
    await until('m3 served', () => serves('m3.test.'));
    await until('m1 gone', async () => (await ask(nodePort, 'www.m1.test.')).rcode === 'REFUSED');
    console.log(`catalog change (knotc reload) to m3 served and m1 dropped: ${Date.now() - t0} ms`);
    expect(await serves('m2.test.')).toBe(true);
    await until('new members in /status', async () => JSON.stringify((await status()).catalogs?.[0].members) === JSON.stringify(['m2.test.', 'm3.test.']));
  });

  it('a restart with the primary down serves the same members', async () => {
    await node!.stop();
    await knot.stop();
    await startNode();
    expect(await serves('m2.test.')).toBe(true);
    expect(await serves('m3.test.')).toBe(true);
    expect((await ask(nodePort, 'www.m1.test.')).rcode).toBe('REFUSED');
  });
});
