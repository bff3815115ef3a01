// Prometheus text exposition. Every name follows anycastd_<subsystem>_<name>_<unit>; metrics.test.ts checks them.

import { NODE_STATES } from '../health/state.js';
import type { ControlPlane } from './control-plane.js';
import type { WorkerReport } from '../contract/ipc.js';
import { RRL_ACTION_NAMES } from '../abuse/rrl.js';
import { COOKIE_RESULT_NAMES } from '../abuse/server-cookie.js';
import type { ControlCounters } from './control-socket.js';
import type { HttpCounters } from './http-thread.js';
import type { LoopLagWindow } from './loop-lag.js';

/** The doors into the service: HTTP refusals, control-socket requests, and the primary's own loop lag. */
export interface AccessFigures {
  http: HttpCounters | null;
  control: ControlCounters | null;
  loop: LoopLagWindow | null;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];
const QTYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 39: 'DNAME', 43: 'DS',
  46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3', 52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 252: 'AXFR', 251: 'IXFR', 255: 'ANY', 257: 'CAA',
};

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

class Exposition {
  private readonly lines: string[] = [];
  family(name: string, type: 'counter' | 'gauge', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name: string, value: number, labels: Record<string, string> = {}): this {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
    this.lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    return this;
  }
  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

function sum(reports: WorkerReport[], f: (r: WorkerReport) => number): number {
  return reports.reduce((n, r) => n + f(r), 0);
}

function renderAbuse(m: Exposition, reports: WorkerReport[]): void {
  const abuse = reports.flatMap((r) => (r.abuse ? [r.abuse] : []));
  m.family('anycastd_rrl_responses_total', 'counter', 'Responses over the rate limit, by what was done (dry_run: would have been limited).');
  RRL_ACTION_NAMES.forEach((action, i) => m.sample('anycastd_rrl_responses_total', abuse.reduce((n, a) => n + a.rrl[i], 0), { action }));
  m.family('anycastd_rrl_table_fill_ratio', 'gauge', 'Share of the RRL table holding buckets used in the last minute (fullest worker).');
  m.sample('anycastd_rrl_table_fill_ratio', Math.max(0, ...abuse.map((a) => (a.rrlSlots ? a.rrlActiveSlots / a.rrlSlots : 0))));
  m.family('anycastd_cookies_total', 'counter', 'Queries by DNS cookie result (only counted with --cookie-secret).');
  COOKIE_RESULT_NAMES.forEach((result, i) => m.sample('anycastd_cookies_total', abuse.reduce((n, a) => n + a.cookies[i], 0), { result }));
}

export function renderMetrics(control: ControlPlane, workersRunning: number, workerRestarts: number, access: AccessFigures | null = null): string {
  const round = control.lastRound;
  const reports = (round?.workers ?? []).flatMap((w) => (w.report ? [w.report] : []));
  const m = new Exposition();

  m.family('anycastd_dns_queries_total', 'counter', 'Queries answered, by transport.');
  m.sample('anycastd_dns_queries_total', sum(reports, (r) => r.queriesUdp), { transport: 'udp' });
  m.sample('anycastd_dns_queries_total', sum(reports, (r) => r.queriesTcp), { transport: 'tcp' });
  m.family('anycastd_dns_responses_total', 'counter', 'Responses by RCODE.');
  for (let code = 0; code < 24; code++) {
    const n = sum(reports, (r) => r.rcodes[code] ?? 0);
    if (n > 0 || code === 0) m.sample('anycastd_dns_responses_total', n, { rcode: RCODE_NAMES[code] ?? (code === 16 ? 'BADVERS' : String(code)) });
  }
  m.family('anycastd_responses_total', 'counter', 'Responses by what the answer was: positive, chain, nxdomain, nodata, referral, wildcard, wildcard_nodata, refused, error.');
  const outcomes = new Map<string, number>();
  for (const r of reports) for (const [o, n] of Object.entries(r.outcomes ?? {})) outcomes.set(o, (outcomes.get(o) ?? 0) + n);
  for (const [o, n] of outcomes) m.sample('anycastd_responses_total', n, { outcome: o });
  m.family('anycastd_dns_queries_by_type_total', 'counter', 'Queries by QTYPE.');
  const qtypes = new Map<number, number>();
  for (const r of reports) for (const [t, n] of Object.entries(r.qtypes)) qtypes.set(Number(t), (qtypes.get(Number(t)) ?? 0) + n);
  for (const [t, n] of [...qtypes].sort((a, b) => a[0] - b[0])) m.sample('anycastd_dns_queries_by_type_total', n, { qtype: t === 256 ? 'other' : QTYPE_NAMES[t] ?? `TYPE${t}` });
  m.family('anycastd_dns_dropped_total', 'counter', 'Messages not answered: shorter than a header, or responses.');
  m.sample('anycastd_dns_dropped_total', sum(reports, (r) => r.dropped));
  m.family('anycastd_dns_truncated_total', 'counter', 'Responses sent with TC=1.');
  m.sample('anycastd_dns_truncated_total', sum(reports, (r) => r.truncated));
  m.family('anycastd_dns_queries_per_second', 'gauge', 'Query rate over the last check interval.');
  m.sample('anycastd_dns_queries_per_second', round?.qps ?? 0);
  renderAbuse(m, reports);
  m.family('anycastd_tcp_connections', 'gauge', 'Open TCP connections.');
  m.sample('anycastd_tcp_connections', sum(reports, (r) => r.tcpConnections));

  const snap = control.snapshot();
  m.family('anycastd_health_state', 'gauge', 'Current health state (1 for the current one).');
  for (const s of NODE_STATES) m.sample('anycastd_health_state', s === snap.state ? 1 : 0, { state: s });
  m.family('anycastd_health_transitions_total', 'counter', 'Health state changes.');
  for (const [key, n] of control.transitionCounts) {
    const [from, to] = key.split('->');
    m.sample('anycastd_health_transitions_total', n, { from, to });
  }
  m.family('anycastd_health_rounds_total', 'counter', 'Health check rounds run.');
  m.sample('anycastd_health_rounds_total', control.roundsTotal);
  m.family('anycastd_health_self_check_failures_total', 'counter', 'Rounds whose self-check (UDP/TCP SOA probes, worker heartbeats) failed.');
  m.sample('anycastd_health_self_check_failures_total', control.selfCheckFailures);
  m.family('anycastd_health_self_check_ok', 'gauge', '1 when the last self-check passed.');
  m.sample('anycastd_health_self_check_ok', round?.selfCheck.ok ? 1 : 0);
  m.family('anycastd_health_event_loop_lag_p99_seconds', 'gauge', 'Worst worker event-loop lag p99 over the last interval.');
  m.sample('anycastd_health_event_loop_lag_p99_seconds', Math.max(0, ...reports.map((r) => r.lag.lagP99Ms)) / 1000);
  m.family('anycastd_health_event_loop_utilization_ratio', 'gauge', 'Worst worker event-loop utilisation over the last interval.');
  m.sample('anycastd_health_event_loop_utilization_ratio', Math.max(0, ...reports.map((r) => r.lag.elu)));
  m.family('anycastd_health_overloaded', 'gauge', '1 when the last round judged the node overloaded.');
  m.sample('anycastd_health_overloaded', round?.overload.overloaded ? 1 : 0);

  const bird = control.birdStatus();
  if (bird) {
    m.family('anycastd_bird_writes_total', 'counter', 'Include file writes.').sample('anycastd_bird_writes_total', bird.writes);
    m.family('anycastd_bird_write_failures_total', 'counter', 'Include file writes that failed.').sample('anycastd_bird_write_failures_total', bird.writeFailures);
    m.family('anycastd_bird_reloads_total', 'counter', 'Successful BIRD reloads.').sample('anycastd_bird_reloads_total', bird.reloads);
    m.family('anycastd_bird_reload_failures_total', 'counter', 'Failed BIRD reloads (after retries), by kind.');
    for (const [kind, n] of Object.entries(bird.reloadFailures)) m.sample('anycastd_bird_reload_failures_total', n, { kind });
    m.family('anycastd_bird_last_success_timestamp_seconds', 'gauge', 'When BIRD last took our state.');
    m.sample('anycastd_bird_last_success_timestamp_seconds', (bird.lastSuccessAt ?? 0) / 1000);
  }
  const frr = control.frrStatus();
  if (frr) {
    m.family('anycastd_frr_applies_total', 'counter', 'States FRR took and showed back (running-config read back).').sample('anycastd_frr_applies_total', frr.applies);
    m.family('anycastd_frr_apply_failures_total', 'counter', 'Failed FRR applies (after retries), by kind.');
    for (const [kind, n] of Object.entries(frr.applyFailures)) m.sample('anycastd_frr_apply_failures_total', n, { kind });
    m.family('anycastd_frr_vtysh_runs_total', 'counter', 'vtysh invocations (reads and writes).').sample('anycastd_frr_vtysh_runs_total', frr.vtyshRuns);
    m.family('anycastd_frr_drifts_total', 'counter', 'Times bgpd no longer showed our state (restarted) and it was re-applied.').sample('anycastd_frr_drifts_total', frr.drifts);
    m.family('anycastd_frr_applied', 'gauge', '1 when FRR showed our current state at the last look.').sample('anycastd_frr_applied', frr.applied ? 1 : 0);
    m.family('anycastd_frr_last_success_timestamp_seconds', 'gauge', 'When FRR last took our state.');
    m.sample('anycastd_frr_last_success_timestamp_seconds', (frr.lastSuccessAt ?? 0) / 1000);
  }

  const zones = reports[0]?.zones ?? [];
  m.family('anycastd_zone_load_errors_total', 'counter', 'Zone files that failed to load (the previous version kept serving).');
  m.sample('anycastd_zone_load_errors_total', reports[0]?.zoneLoadErrors ?? 0);
  m.family('anycastd_zone_serial', 'gauge', 'SOA serial being served.');
  for (const z of zones) if (z.origin) m.sample('anycastd_zone_serial', z.serial ?? 0, { zone: z.origin });
  m.family('anycastd_zone_records', 'gauge', 'Records being served.');
  for (const z of zones) if (z.origin) m.sample('anycastd_zone_records', z.records, { zone: z.origin });
  m.family('anycastd_zone_last_success_timestamp_seconds', 'gauge', 'When each zone file last loaded.');
  for (const z of zones) if (z.origin) m.sample('anycastd_zone_last_success_timestamp_seconds', (z.lastSuccessAt ?? 0) / 1000, { zone: z.origin });
  m.family('anycastd_zone_signature_expiry_timestamp_seconds', 'gauge', 'Earliest RRSIG expiration in each signed zone.');
  for (const z of zones) if (z.origin && z.signatureExpiry) m.sample('anycastd_zone_signature_expiry_timestamp_seconds', z.signatureExpiry, { zone: z.origin });
  m.family('anycastd_zone_error', 'gauge', '1 when the newest version of a zone file failed to load.');
  for (const z of zones) m.sample('anycastd_zone_error', z.lastError ? 1 : 0, { file: z.file });

  // Secondary zones: the families are always declared (empty without --secondary/--catalog).
  const secondary = control.secondary;
  const secZones = secondary?.status() ?? [];
  m.family('anycastd_xfr_total', 'counter', 'Zone transfers from primaries, by zone, type and result.');
  for (const [zone, c] of secondary?.counts() ?? []) {
    for (const type of ['axfr', 'ixfr'] as const) for (const result of ['ok', 'error'] as const) m.sample('anycastd_xfr_total', c[type][result], { zone, type, result });
  }
  m.family('anycastd_xfr_notify_total', 'counter', 'NOTIFY messages for secondary zones, by result (accepted, refused).');
  if (secondary) {
    m.sample('anycastd_xfr_notify_total', secondary.notifiesAccepted, { result: 'accepted' });
    m.sample('anycastd_xfr_notify_total', sum(reports, (r) => r.notifyRefused ?? 0), { result: 'refused' });
  }
  m.family('anycastd_zone_diffs_total', 'counter', 'IXFR diffs patched into compiled zones (applied) or left to the zone file (refused), summed over workers.');
  if (secondary) {
    m.sample('anycastd_zone_diffs_total', sum(reports, (r) => r.zoneDiffs?.applied ?? 0), { result: 'applied' });
    m.sample('anycastd_zone_diffs_total', sum(reports, (r) => r.zoneDiffs?.refused ?? 0), { result: 'refused' });
  }
  m.family('anycastd_zone_refresh_timestamp_seconds', 'gauge', 'When each secondary zone was last refreshed successfully.');
  for (const z of secZones) m.sample('anycastd_zone_refresh_timestamp_seconds', (z.lastRefreshAt ?? 0) / 1000, { zone: z.origin });
  m.family('anycastd_zone_refresh_interval_seconds', 'gauge', 'The SOA REFRESH each secondary zone is refreshed at.');
  for (const z of secZones) if (z.refreshSeconds !== null) m.sample('anycastd_zone_refresh_interval_seconds', z.refreshSeconds, { zone: z.origin });
  m.family('anycastd_zone_expiry_timestamp_seconds', 'gauge', 'When each secondary zone expires (SOA EXPIRE after the last successful refresh).');
  for (const z of secZones) if (z.expiresAt !== null) m.sample('anycastd_zone_expiry_timestamp_seconds', z.expiresAt / 1000, { zone: z.origin });
  m.family('anycastd_zone_expired', 'gauge', '1 when a secondary zone is past its SOA EXPIRE (answered SERVFAIL).');
  for (const z of secZones) m.sample('anycastd_zone_expired', z.expired ? 1 : 0, { zone: z.origin });

  m.family('anycastd_process_resident_memory_bytes', 'gauge', 'RSS of the control plane and all workers.');
  m.sample('anycastd_process_resident_memory_bytes', sum(reports, (r) => r.rssBytes) + process.memoryUsage().rss);
  m.family('anycastd_workers_running', 'gauge', 'Data-path workers running.').sample('anycastd_workers_running', workersRunning);
  m.family('anycastd_workers_restarts_total', 'counter', 'Data-path workers restarted after dying.').sample('anycastd_workers_restarts_total', workerRestarts);
  if (access) renderAccess(m, access);
  return m.text();
}

function renderAccess(m: Exposition, a: AccessFigures): void {
  if (a.loop) {
    m.family('anycastd_control_event_loop_lag_max_seconds', 'gauge', 'Worst event-loop delay of the control plane (primary) over the last round.');
    m.sample('anycastd_control_event_loop_lag_max_seconds', a.loop.maxMs / 1000);
  }
  if (a.control) {
    m.family('anycastd_control_requests_total', 'counter', 'Control-socket requests: ok, error (malformed or failed), rejected (oversized, idle, over the connection limit).');
    for (const result of ['ok', 'error', 'rejected'] as const) m.sample('anycastd_control_requests_total', a.control[result], { result });
  }
  if (a.http) {
    m.family('anycastd_http_requests_total', 'counter', 'HTTP requests parsed on --http.').sample('anycastd_http_requests_total', a.http.requests);
    m.family('anycastd_http_refused_total', 'counter', 'HTTP connections or requests refused, by reason.');
    m.sample('anycastd_http_refused_total', a.http.deniedByAllowList, { reason: 'allow_list' });
    m.sample('anycastd_http_refused_total', a.http.droppedOverLimit, { reason: 'connection_limit' });
    m.sample('anycastd_http_refused_total', a.http.refusedMethod, { reason: 'method' });
    m.sample('anycastd_http_refused_total', a.http.refusedBody, { reason: 'body' });
  }
}
