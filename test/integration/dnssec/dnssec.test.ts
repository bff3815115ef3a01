// Signed zones against Knot: zones signed here with fresh keys, every answer compared with Knot's and validated with delv.
//
// Run: npm run build && npx vitest run test/integration/dnssec
// Env: REQUIRE_E2E=1  fail (instead of skip) when knotd, delv, dnssec-signzone or ldns-signzone is missing
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DiffCase } from '../knot-differential/cases.js';
import { buildQuery, compareExchanges, exchange, renderExchange, type CaseOutcome } from '../knot-differential/compare.js';
import { findKnotd, startAnycastd, startKnot, type RunningServer } from '../knot-differential/servers.js';
import { diffCases, probes, type Probe } from './cases.js';
import { excuseDnssec } from './known-differences.js';
import { missingTools, signZone, type SignedZone, type Signer } from './sign.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const WHO = { nsid: 'dnssec-node', identity: 'dnssec-node', version: '' };
const ZONES: [string, Signer][] = [['nsec.test.', 'bind-nsec'], ['nsec3.test.', 'bind-nsec3'], ['optout.test.', 'bind-optout'], ['ldns.test.', 'ldns-nsec3']];
const execFileP = promisify(execFile);

const knotd = findKnotd();
const missing = [...(knotd ? [] : ['knotd']), ...missingTools()];
const requireE2E = process.env.REQUIRE_E2E === '1';

/** delv's verdict line for a query, e.g. "; fully validated" or "; negative response, fully validated". */
async function delv(z: SignedZone, server: RunningServer, pr: Probe): Promise<string> {
  const args = ['-a', z.anchorFile, `+root=${z.origin}`, '@127.0.0.1', '-p', String(server.endpoint.port), pr.qname, pr.qtype, '+nomtrace'];
  try {
    const { stdout, stderr } = await execFileP('delv', args, { timeout: 20_000 });
    return `${stdout}\n${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}\n${e.stderr ?? e.message}`;
  }
}

/** An answer from a wildcard whose next closer name lies in an opt-out span is insecure by design (RFC 5155 section 9.2). */
const insecureByOptOut = (z: SignedZone, pr: Probe): boolean => z.signer === 'bind-optout' && /wildcard (answer|cname)|any wildcard/.test(pr.outcome);

const verdict = (out: string): string => out.split('\n').find((l) => /fully validated|resolution failed|unsigned answer|insecure/.test(l))?.trim() ?? out.trim().split('\n')[0] ?? '';

if (missing.length > 0 && !requireE2E) {
  const why = `missing ${missing.join(', ')} (packages knot, bind9-utils, bind9-dnsutils, ldnsutils)`;
  console.warn(`dnssec test skipped: ${why}`);
  describe.skip(`signed zones (skipped: ${why})`, () => {
    it('needs the signing tools and knotd', () => undefined);
  });
} else {
  describe('signed zones: anycastd vs Knot, validated by delv', () => {
    let work = '';
    const zones: SignedZone[] = [];
    let knot: RunningServer | undefined;
    let ours: RunningServer | undefined;
    const outcomes = new Map<string, CaseOutcome>();
    const cases: DiffCase[] = [];

    beforeAll(async () => {
      expect(missing, 'REQUIRE_E2E=1 but tools are missing').toEqual([]);
      work = mkdtempSync(path.join(os.tmpdir(), 'anycastd-dnssec-'));
      const zonesDir = path.join(work, 'zones');
      mkdirSync(zonesDir);
      for (const [origin, signer] of ZONES) zones.push(signZone(work, origin, signer, path.join(zonesDir, `${origin.slice(0, -1)}.zone`)));
      knot = await startKnot(knotd!, zonesDir, WHO);
      ours = await startAnycastd(repoRoot, zonesDir, WHO);
      cases.push(...diffCases(zones));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < cases.length) {
          const c = cases[next++];
          const query = buildQuery(c);
          const [k, a] = await Promise.all([exchange(knot!.endpoint, c, query, 2000), exchange(ours!.endpoint, c, query, 2000)]);
          outcomes.set(c.name, { query, knot: k, candidate: a, differences: compareExchanges(query, k, a, false) });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    }, 120_000);

    afterAll(async () => {
      await ours?.stop();
      await knot?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('exercises the proofs: Knot puts NSEC or NSEC3 records in the negative DO answers', () => {
      const negative = cases.filter((c) => / (nxdomain|nodata|empty non-terminal)/.test(c.group) && c.name.endsWith('udp do'));
      expect(negative.length).toBeGreaterThan(20);
      for (const c of negative) {
        const k = outcomes.get(c.name)!.knot;
        expect(k.kind === 'reply' && /IN NSEC3? /.test(renderExchange(k)), `${c.name}: no NSEC/NSEC3 from Knot`).toBe(true);
      }
    });

    it('has proofs too large for 512 octets: both servers set TC there', () => {
      const tc = cases.filter((c) => c.name.endsWith('do 512')).filter((c) => {
        const o = outcomes.get(c.name)!;
        return [o.knot, o.candidate].every((e) => e.kind === 'reply' && (e.raw[2] & 0x02) !== 0);
      });
      expect(tc.length).toBeGreaterThan(0);
    });

    it('answers every case exactly as Knot does (or as known-differences.ts justifies)', () => {
      const failures: string[] = [];
      for (const c of cases) {
        const o = outcomes.get(c.name)!;
        const diffs = o.differences.filter((d) => !excuseDnssec(c.name, d.field));
        if (diffs.length === 0) continue;
        failures.push([
          `case ${c.name}:`,
          ...diffs.map((d) => `  ${d.field}:\n    knot:     ${d.knot}\n    anycastd: ${d.candidate}`),
          `  knot:\n    ${renderExchange(o.knot).replace(/\n/g, '\n    ')}`,
          `  anycastd:\n    ${renderExchange(o.candidate).replace(/\n/g, '\n    ')}`,
        ].join('\n'));
      }
      const summary = [...new Set(failures.map((f) => f.split('\n')[0] + ' ' + (f.split('\n')[1] ?? '')))].join('\n');
      expect(failures.length, `${failures.length} of ${cases.length} cases differ:\n${summary}\n\n${failures.slice(0, 6).join('\n')}`).toBe(0);
    });

    it('validates with delv wherever Knot validates', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const z of zones) {
        const list = probes(z).filter((p) => p.delv);
        const results = await Promise.all(list.map(async (pr) => [pr, await delv(z, knot!, pr), await delv(z, ours!, pr)] as const));
        for (const [pr, k, a] of results) {
          checked++;
          const kv = verdict(k);
          const av = verdict(a);
          if (!/fully validated/.test(kv) && !insecureByOptOut(z, pr)) failures.push(`${z.signer} ${pr.qname} ${pr.qtype}: Knot itself does not validate (${kv}); the test zone is wrong`);
          else if (kv !== av) failures.push(`${z.signer} ${pr.qname} ${pr.qtype} (${pr.outcome}): knot "${kv}", anycastd "${av}"\n${a}`);
        }
      }
      expect(checked).toBeGreaterThan(0);
      expect(failures, failures.join('\n')).toEqual([]);
    }, 120_000);
  });
}
