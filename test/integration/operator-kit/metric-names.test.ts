// The alerting rules and the Grafana dashboard name only metrics that a running node exports (read from a live /metrics).

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort, startServer, type RunningServer } from '../support/server.js';

const RULES = readFileSync(join(REPO_ROOT, 'prometheus/anycastd.rules.yml'), 'utf8');
const DASHBOARD = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana/anycastd.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };

const namesIn = (text: string) => new Set([...text.matchAll(/\banycastd_[a-z0-9_]+/g)].map((m) => m[0]));

describe('metric names in rules and dashboard', () => {
  const servers: RunningServer[] = [];
  const exported = new Set<string>();
  let metricsText = '';
  const scratch = mkdtempSync(join(tmpdir(), 'anycastd-kit-'));

  beforeAll(async () => {
    // A BIRD include (with no BIRD behind it) makes the routing metrics appear, as on a real node; a second node
    // steering FRR (with no vtysh behind it) shows the FRR ones.
    const bird = await scrape(['--bird-include', join(scratch, 'bird.conf'), '--bird-socket', join(scratch, 'none.ctl')], 'anycastd_bird_writes_total');
    const frr = await scrape(['--router', 'frr', '--frr-vtysh', join(scratch, 'no-vtysh')], 'anycastd_frr_applied');
    metricsText = bird;
    for (const text of [bird, frr]) for (const m of text.matchAll(/^# TYPE (anycastd_[a-z0-9_]+) /gm)) exported.add(m[1]);
  });

  /** Starts a node with `extra` flags and returns its /metrics once `waitFor` and a zone serial show. */
  async function scrape(extra: string[], waitFor: string): Promise<string> {
    const http = await freePort();
    const server = await startServer({ args: ['--http', `127.0.0.1:${http}`, '--check-interval', '200', '--anycast', '192.0.2.1/32', ...extra] });
    servers.push(server);
    let text = '';
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${http}/metrics`).catch(() => null);
      text = res?.ok ? await res.text() : '';
      if (text.includes(waitFor) && /anycastd_zone_serial\{/.test(text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return text;
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(scratch, { recursive: true, force: true });
  });

  const known = (name: string) => exported.has(name) || exported.has(name.replace(/_(bucket|sum|count)$/, ''));

  it('the live node exports its metric families', () => {
    expect(exported.size, metricsText.slice(0, 500)).toBeGreaterThan(20);
  });

  it('every metric in prometheus/anycastd.rules.yml is exported', () => {
    const unknown = [...namesIn(RULES)].filter((n) => !known(n));
    expect(unknown).toEqual([]);
  });

  it('every metric in grafana/anycastd.json is exported, and every panel queries something', () => {
    for (const panel of DASHBOARD.panels) expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
    const exprs = DASHBOARD.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    const unknown = [...namesIn(exprs)].filter((n) => !known(n));
    expect(unknown).toEqual([]);
  });

  it('passes promtool check metrics where promtool is installed', () => {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: metricsText, encoding: 'utf8' });
    if (check.error) return; // prometheus-rules.test.ts already fails under REQUIRE_E2E when promtool is missing
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});
