// /metrics: every name follows anycastd_<subsystem>_<name>_<unit>, one HELP/TYPE per family, escaped labels, listed in the README.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ControlPlane, type ControlConfig, type RoundRecord } from './control-plane.js';
import type { DataWorkers, WorkerReply } from './workers.js';
import type { WorkerReport } from '../contract/ipc.js';
import { renderMetrics } from './metrics.js';

const NAME = /^anycastd_[a-z0-9]+_[a-z0-9_]+$/;
/** Gauges carry a unit, or are plainly a count or a state (listed here so a new one is a decision). */
const GAUGE_UNITS = ['_seconds', '_bytes', '_ratio', '_per_second'];
const GAUGE_COUNTS = ['_connections', '_records', '_running'];
const GAUGE_STATES = ['_state', '_ok', '_overloaded', '_error', '_serial', '_expired'];

const CONTROL_CONFIG: ControlConfig = {
  listen: [{ host: '127.0.0.1', port: 5353, family: 4 }],
  checkIntervalMs: 1000, rise: 2, fall: 2, holdDownMs: 0, maxLagMs: 250, maxElu: null, capacityQps: null, maxRssBytes: null,
  anycast: ['192.0.2.1/32'], birdInclude: null, birdSocket: '/nonexistent/bird.ctl', prependCount: 3, med: null, maintenanceFile: null,
};

function report(over: Partial<WorkerReport> = {}): WorkerReport {
  const rcodes = new Array(24).fill(0);
  rcodes[0] = 90;
  rcodes[3] = 7;
  rcodes[5] = 2;
  rcodes[16] = 1;
  return {
    pid: 1234, queriesUdp: 80, queriesTcp: 20, rcodes, qtypes: { 1: 50, 6: 30, 28: 10, 65280: 5, 256: 5 }, dropped: 3, truncated: 4,
    outcomes: { positive: 80, chain: 0, nxdomain: 7, nodata: 3, referral: 2, wildcard: 4, wildcard_nodata: 1, refused: 2, error: 1 },
    tcpConnections: 2, lag: { lagP99Ms: 12, lagMaxMs: 30, elu: 0.25, windowMs: 1000, samples: 100 }, rssBytes: 50e6, heapUsedBytes: 20e6,
    zones: [
      { file: 'example.test.zone', origin: 'example.test.', serial: 2024010101, records: 12, loadedAt: 1, hash: 'h', lastError: null, lastErrorAt: null, lastSuccessAt: 1_700_000_000_000, removeAt: null, signatureExpiry: 1_800_000_000 },
      { file: 'we"ird\\name\n.zone', origin: null, serial: null, records: 0, loadedAt: null, hash: null, lastError: 'line 3: bad', lastErrorAt: 2, lastSuccessAt: null, removeAt: null, signatureExpiry: null },
    ],
    zoneLoadErrors: 1,
    ...over,
  };
}

/** A real ControlPlane (never started) over a DataWorkers that is never asked, with a round filled in. */
function controlWith(opts: { bird: boolean; frr?: boolean; workers?: WorkerReply[] }): ControlPlane {
  const config: ControlConfig = { ...CONTROL_CONFIG, birdInclude: opts.bird ? '/nonexistent/anycastd/bird-anycast.conf' : null };
  if (opts.frr) Object.assign(config, { router: 'frr', frrVtysh: '/nonexistent/vtysh' });
  const control = new ControlPlane(config, {} as DataWorkers, pino({ level: 'silent' }));
  const workers = opts.workers ?? [{ id: 0, pid: 1234, report: report() }, { id: 1, pid: 1235, report: report({ pid: 1235 }) }];
  const round: RoundRecord = {
    at: Date.now(), durationMs: 3, workers, qps: 42.5,
    selfCheck: { ok: true, detail: '2 SOA probes answered', probes: [] },
    overload: { overloaded: false, detail: 'calm' },
  };
  control.lastRound = round;
  control.roundsTotal = 7;
  control.selfCheckFailures = 1;
  control.transitionCounts.set('starting->up', 1);
  control.transitionCounts.set('up->down', 2);
  return control;
}

interface Family {
  name: string;
  type?: string;
  helps: number;
  types: number;
  samples: { labels: Record<string, string>; value: number; raw: string }[];
}

/** A strict reader of the text format: fails on anything it does not understand. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    if (!families.has(name)) families.set(name, { name, helps: 0, types: 0, samples: [] });
    return families.get(name)!;
  };
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP (\S+) (.+)$/.exec(line);
    if (m) {
      family(m[1]).helps++;
      continue;
    }
    m = /^# TYPE (\S+) (counter|gauge)$/.exec(line);
    if (m) {
      family(m[1]).types++;
      family(m[1]).type = m[2];
      continue;
    }
    m = /^([a-z_][a-z0-9_]*)(?:\{(.*)\})? (-?[0-9.e+]+)$/.exec(line);
    expect(m, `unparsable line: ${JSON.stringify(line)}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = m![2] ?? '';
    const labelRe = /([a-z_][a-z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/gy;
    let consumed = 0;
    for (const l of body.matchAll(labelRe)) {
      labels[l[1]] = l[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = l.index! + l[0].length;
    }
    expect(consumed, `label syntax in ${JSON.stringify(line)}`).toBe(body.length);
    expect(families.has(m![1]), `sample before its HELP/TYPE: ${m![1]}`).toBe(true);
    family(m![1]).samples.push({ labels, value: Number(m![3]), raw: line });
  }
  return families;
}

/** The Metrics section of the README: `name{label,...}` entries. */
function readmeMetrics(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Metrics');
  expect(start, 'README.md has a "## Metrics" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const out = new Map<string, string[]>();
  for (const m of section.matchAll(/`(anycastd_[a-z0-9_]+)(?:\{([a-z_,]+)\})?`/g)) out.set(m[1], m[2] ? m[2].split(',') : []);
  return out;
}

describe('renderMetrics', () => {
  const access = {
    http: { requests: 40, deniedByAllowList: 7, droppedOverLimit: 1200, refusedMethod: 3, refusedBody: 1 },
    control: { ok: 5, error: 2, rejected: 1 },
    loop: { p99Ms: 4, maxMs: 12.5 },
  };
  const text = renderMetrics(controlWith({ bird: true }), 2, 3, access);
  const families = parseExposition(text);

  it('names every family anycastd_<subsystem>_<name>, counters in _total, gauges with a unit or as a count/state', () => {
    expect(families.size).toBeGreaterThan(20);
    for (const f of families.values()) {
      expect(f.name, f.name).toMatch(NAME);
      if (f.type === 'counter') expect(f.name, `${f.name}: counter without _total`).toMatch(/_total$/);
      else {
        expect(f.name, `${f.name}: gauge named like a counter`).not.toMatch(/_total$/);
        const ok = [...GAUGE_UNITS, ...GAUGE_COUNTS, ...GAUGE_STATES].some((s) => f.name.endsWith(s));
        expect(ok, `${f.name}: gauge without an allowed suffix`).toBe(true);
      }
    }
  });

  it('has one HELP and one TYPE per family, and no sample repeated', () => {
    for (const f of families.values()) {
      expect([f.name, f.helps, f.types]).toEqual([f.name, 1, 1]);
      const series = f.samples.map((s) => JSON.stringify(Object.entries(s.labels).sort()));
      expect(new Set(series).size, `${f.name} repeats a label set`).toBe(series.length);
    }
  });

  it('escapes label values (quote, backslash, newline) and reads back the original', () => {
    const err = families.get('anycastd_zone_error')!;
    expect(text).toContain('anycastd_zone_error{file="we\\"ird\\\\name\\n.zone"} 1');
    expect(err.samples.map((s) => s.labels.file)).toContain('we"ird\\name\n.zone');
  });

  it('sums the workers and names rcodes and qtypes', () => {
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)!.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('anycastd_dns_queries_total', { transport: 'udp' })).toBe(160);
    expect(value('anycastd_dns_queries_total', { transport: 'tcp' })).toBe(40);
    expect(value('anycastd_dns_responses_total', { rcode: 'NXDOMAIN' })).toBe(14);
    expect(value('anycastd_dns_responses_total', { rcode: 'BADVERS' })).toBe(2);
    expect(value('anycastd_responses_total', { outcome: 'positive' })).toBe(160);
    expect(value('anycastd_responses_total', { outcome: 'nxdomain' })).toBe(14);
    expect(value('anycastd_responses_total', { outcome: 'wildcard_nodata' })).toBe(2);
    expect(value('anycastd_responses_total', { outcome: 'chain' })).toBe(0);
    expect(value('anycastd_dns_queries_by_type_total', { qtype: 'AAAA' })).toBe(20);
    expect(value('anycastd_dns_queries_by_type_total', { qtype: 'TYPE65280' })).toBe(10);
    expect(value('anycastd_dns_queries_by_type_total', { qtype: 'other' })).toBe(10);
    expect(value('anycastd_health_state', { state: 'starting' })).toBe(1);
    expect(families.get('anycastd_health_state')!.samples.reduce((n, s) => n + s.value, 0)).toBe(1);
    expect(value('anycastd_health_transitions_total', { from: 'up', to: 'down' })).toBe(2);
    expect(value('anycastd_health_event_loop_lag_p99_seconds')).toBe(0.012);
    expect(value('anycastd_zone_serial', { zone: 'example.test.' })).toBe(2024010101);
    expect(value('anycastd_zone_signature_expiry_timestamp_seconds', { zone: 'example.test.' })).toBe(1_800_000_000);
    expect(value('anycastd_workers_running')).toBe(2);
    expect(value('anycastd_workers_restarts_total')).toBe(3);
    expect(value('anycastd_bird_reload_failures_total', { kind: 'refused-config' })).toBe(0);
  });

  it('counts what the doors refused: HTTP by reason, control-socket requests by result, and the primary loop lag', () => {
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)!.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('anycastd_http_refused_total', { reason: 'allow_list' })).toBe(7);
    expect(value('anycastd_http_refused_total', { reason: 'connection_limit' })).toBe(1200);
    expect(value('anycastd_http_refused_total', { reason: 'method' })).toBe(3);
    expect(value('anycastd_http_requests_total')).toBe(40);
    expect(value('anycastd_control_requests_total', { result: 'error' })).toBe(2);
    expect(value('anycastd_control_event_loop_lag_max_seconds')).toBe(0.0125);
  });

  it('matches the README: every family listed there, with the same labels, and nothing unlisted', () => {
    const listed = readmeMetrics();
    // The FRR families appear instead of the BIRD ones with --router frr.
    const withFrr = parseExposition(renderMetrics(controlWith({ bird: false, frr: true }), 2, 3, access));
    for (const [name, f] of withFrr) if (!families.has(name)) families.set(name, f);
    for (const f of families.values()) {
      expect(listed.has(f.name), `${f.name} is not in the README's Metrics section`).toBe(true);
      const labels = [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
      if (f.samples.length) expect([f.name, labels]).toEqual([f.name, [...listed.get(f.name)!].sort()]);
    }
    for (const name of listed.keys()) expect(families.has(name), `README lists ${name}, which /metrics does not export`).toBe(true);
  });

  it('leaves the BIRD families out without --bird-include, and renders before the first round', () => {
    const noBird = parseExposition(renderMetrics(controlWith({ bird: false }), 1, 0));
    expect([...noBird.keys()].filter((n) => n.startsWith('anycastd_bird_'))).toEqual([]);
    const control = new ControlPlane(CONTROL_CONFIG, {} as DataWorkers, pino({ level: 'silent' }));
    const first = parseExposition(renderMetrics(control, 0, 0));
    expect(first.get('anycastd_dns_queries_total')!.samples.map((s) => s.value)).toEqual([0, 0]);
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool) console.warn('skipping `promtool check metrics`: promtool not installed (Debian package: prometheus)');
  it.skipIf(!promtool)('passes promtool check metrics', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
