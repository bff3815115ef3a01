// Turns the figures of one bench run into the Markdown report and the SVG plot (bench/run.mjs writes them).
import { markdownTable, fixed, thousands } from './table.mjs';
import { med, pairedRatio } from './qps.mjs';
import { mib } from './procfs.mjs';
import { QUERY_MIX } from './queries.mjs';
import { barChartSvg } from './svg.mjs';
import { BENCH_TCP_MAX_QUERIES } from './subjects.mjs';
import { MONITORING_RATE } from './http-side.mjs';

const x2 = (v) => (Number.isFinite(v) ? `${fixed(v, 2)}x` : 'n/a');
const verdict = (ok) => (ok === null ? 'not measured' : ok ? '**met**' : '**missed**');
const range = (s, mode) => {
  const q = (s.runs?.[mode] ?? []).map((r) => r.qps);
  return q.length > 1 ? `${thousands(Math.min(...q))}–${thousands(Math.max(...q))}` : '-';
};

/**
 * The targets of issues 5 and 6, each with the figure measured in this run and whether it is met.
 * by: subjects by id; zoneLoad and reload: results of those benches or null.
 */
export function targetRows(by, zoneLoad, reload) {
  const a = by.anycastd;
  const ratio = (id, min, label) => {
    const r = a && by[id] ? pairedRatio(a, by[id], 'udp').median : NaN;
    return [label, `≥ ${min}x`, x2(r), verdict(Number.isFinite(r) ? r >= min : null)];
  };
  const tcp = a?.runs?.tcp?.length ? pairedRatio(a, a, 'tcp', 'qps', 'udp').median : NaN;
  const rows = [
    ratio('echo', 0.9, 'UDP qps vs Node dgram echo floor'),
    ratio('dns2', 10, 'UDP qps vs dns2 server'),
    ratio('naive', 1.6, 'UDP qps vs naive dgram + dns-packet'),
    ['TCP pipelined qps vs own UDP qps', '≥ 0.6x', x2(tcp), verdict(Number.isFinite(tcp) ? tcp >= 0.6 : null)],
  ];
  const zl = zoneLoad?.figures;
  const zlOk = zl?.knot;
  rows.push(['1.22M-record zone: load time vs Knot (serve, spawn → SOA)', '≤ 2x', zlOk ? x2(zl.timeRatio) : 'n/a', verdict(zlOk ? zl.timeRatio <= 2 : null)]);
  rows.push(['1.22M-record zone: peak RSS vs Knot (serve, all processes)', '≤ 1x', zlOk ? x2(zl.rssRatio) : 'n/a', verdict(zlOk ? zl.rssRatio <= 1 : null)]);
  const rl = reload?.figures;
  rows.push(['Reload big zone 5x: other zone p99 latency', '≤ 10 ms', rl ? `${fixed(rl.p99Ms, 2)} ms` : 'n/a', verdict(rl ? rl.p99Ms <= 10 : null)]);
  rows.push(['Reload big zone 5x: other zone lost queries', '0', rl ? String(rl.lost) : 'n/a', verdict(rl ? rl.lost === 0 : null)]);
  return rows.map(([what, target, got, v]) => [what, target, got, v]);
}

export function qpsTable(list, mode, by) {
  const echo = by.echo;
  const rows = list.filter((s) => s.runs?.[mode]?.length).map((s) => {
    const last = s.runs[mode].at(-1);
    const cells = [
      s.label, String(last.processes ?? 'n/a'), thousands(med(s, mode, 'qps')), range(s, mode),
      fixed(med(s, mode, 'p50Ms'), 2), fixed(med(s, mode, 'p99Ms'), 2), fixed(med(s, mode, 'maxMs'), 1),
      String(s.runs[mode].reduce((n, r) => n + r.lost, 0)), fixed(med(s, mode, 'cpuPerQueryUs'), 1),
      fixed(med(s, mode, 'serverCores'), 2), fixed(med(s, mode, 'machineCores'), 2),
      fixed(mib(last.rssKiB), 0), fixed(mib(last.pssKiB), 0),
    ];
    if (mode === 'udp') cells.push(echo ? x2(pairedRatio(s, echo, 'udp').median) : 'n/a');
    else cells.push(s.runs.udp?.length ? x2(pairedRatio(s, s, 'tcp', 'qps', 'udp').median) : 'n/a');
    return cells;
  });
  const header = ['subject', 'procs', 'qps (median)', 'qps range', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'CPU µs/query', 'server cores', 'machine busy cores', 'RSS MiB (sum)', 'PSS MiB (sum)', mode === 'udp' ? 'qps vs echo' : 'TCP / own UDP'];
  return markdownTable(header, rows);
}

export function ratioTable(by) {
  const rows = [];
  for (const aid of ['anycastd', 'anycastd-native', 'anycastd-2w']) {
    const a = by[aid];
    if (!a?.runs?.udp?.length) continue;
    for (const id of ['echo', 'naive', 'dns2', 'knot', 'nsd', aid === 'anycastd' ? null : 'anycastd']) {
      if (!id || !by[id]?.runs?.udp?.length) continue;
      const r = pairedRatio(a, by[id], 'udp');
      rows.push([`${aid} / ${id}`, x2(r.median), r.per.map((v) => fixed(v, 2)).join(', '), x2(med(a, 'udp', 'cpuPerQueryUs') / med(by[id], 'udp', 'cpuPerQueryUs'))]);
    }
  }
  return markdownTable(['UDP ratio', 'qps (median of per-round ratios)', 'per round', 'CPU µs/query (ratio of medians)'], rows);
}

export function httpTable(h) {
  // Reference: the mean of DNS alone before and after the HTTP phases.
  const alone = h.dnsAloneAfter ? (h.dnsAlone.qps + h.dnsAloneAfter.qps) / 2 : h.dnsAlone.qps;
  const rows = [['(none)', 'DNS load alone, before', '-', '-', '-', '-', '-', thousands(h.dnsAlone.qps), x2(h.dnsAlone.qps / alone)]];
  for (const p of h.paths) {
    for (const [phase, r, dns] of [['HTTP flat out, alone', p.idle, null], ['HTTP flat out + DNS load', p.loaded, p.dns], [`HTTP at ${MONITORING_RATE} req/s + DNS load`, p.monitored, p.dnsMonitored]]) {
      rows.push([`\`GET ${p.path}\``, phase, thousands(r.reqPerSec), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1), fixed(r.maxMs, 1), `${r.errors} / ${r.non2xx}`, dns ? thousands(dns.qps) : '-', dns ? x2(dns.qps / alone) : '-']);
    }
  }
  if (h.dnsAloneAfter) rows.push(['(none)', 'DNS load alone, after', '-', '-', '-', '-', '-', thousands(h.dnsAloneAfter.qps), x2(h.dnsAloneAfter.qps / alone)]);
  return markdownTable(['endpoint', 'phase', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors / non-2xx', 'DNS qps in the window', 'DNS qps vs alone'], rows);
}

export function plot(list, machine) {
  const rows = list.filter((s) => s.runs?.udp?.length).map((s) => s.label);
  const series = (mode, key) => ({ name: mode.toUpperCase(), values: new Map(list.filter((s) => s.runs?.[mode]?.length).map((s) => [s.label, med(s, mode, key)])) });
  return barChartSvg({
    title: 'anycastd bench: queries/s and server CPU per query, by subject',
    subtitle: `dnsperf on 127.0.0.1, one run, medians; ${machine}`,
    rows,
    panels: [
      { title: 'Queries per second (higher is better)', unit: 'queries/s', format: (v) => (v >= 1000 ? `${fixed(v / 1000, v >= 10000 ? 0 : 1)}k` : fixed(v, 0)), series: [series('udp', 'qps'), series('tcp', 'qps')] },
      { title: 'Server CPU per query, all processes (lower is better)', unit: 'µs of CPU per query', format: (v) => fixed(v, v >= 100 ? 0 : 1), series: [series('udp', 'cpuPerQueryUs'), series('tcp', 'cpuPerQueryUs')] },
    ],
  });
}

function tcpDefaultNote(r) {
  const head = `anycastd runs here with \`--tcp-max-queries ${BENCH_TCP_MAX_QUERIES}\`. The Node baselines (echo, naive, dns2) serve UDP only.`;
  const d = r.tcpDefault;
  if (!d) return `${head}${r.errors.tcpDefault ? ` (The run with anycastd's default per-connection limit failed: ${r.errors.tcpDefault}.)` : ''}`;
  return `${head} With its default limit (100,000 queries per connection, then close) the same ${fixed(d.runSeconds, 1)} s TCP run gave ` +
    `${thousands(d.qps)} qps, ${thousands(d.completed)} answered, ${d.lost} lost, ${d.reconnections} reconnection(s): at the limit anycastd answers every query it has ` +
    `already read, then ends dnsperf's one pipelined connection; queries sent after that go unanswered and dnsperf reconnects only after they time out (-t ${d.timeoutS ?? 1} s here).`;
}

/** The whole Markdown report. r: everything run.mjs gathered. */
export function markdownReport(r) {
  const by = Object.fromEntries(r.list.map((s) => [s.id, s]));
  const a = by.anycastd;
  const lines = [
    '# anycastd bench report',
    '',
    `${r.startedAt}; ${r.machine}; ${r.dnsperf}. Mode: ${r.quick ? 'quick' : 'full'}; total ${fixed(r.totalSeconds, 0)} s.`,
    `Zone: \`bench/gen-zone.mjs ${r.names}\`; ${thousands(r.queryCount)} queries (${QUERY_MIX.map((k) => `${k.pct}% ${k.kind}`).join(', ')}), the same zone file and query list for every subject.`,
    `Load: \`${r.udpArgs}\` (UDP; TCP adds \`-m tcp\`: one connection with up to ${r.outstanding} queries pipelined). ${r.warmup} s warm-up per subject, ${r.udpSeconds} s UDP / ${r.tcpSeconds} s TCP measured, ${r.rounds} round(s) in rotating order; medians shown.`,
    r.skipped.length ? `Skipped: ${r.skipped.map((s) => `${s.id} (${s.why})`).join('; ')}.` : 'No subject skipped.',
    '',
    '## Targets (issues 5 and 6), measured in this run',
    '',
    markdownTable(['target', 'wanted', 'measured', 'verdict'], targetRows(by, r.zoneLoad, r.reload)),
    '',
    'The qps ratios are anycastd with 1 worker (1 data-path process + the control-plane primary), paired round by round.',
    '',
    '## UDP',
    '',
    r.errors.udp ? `UDP run failed: ${r.errors.udp}` : qpsTable(r.list, 'udp', by),
    '',
    r.errors.udp ? '' : ratioTable(by),
    '',
    'How to read it:',
    '- **CPU µs/query** is utime+stime of the server **and all its descendant processes** (anycastd = cluster primary + data workers; NSD = main + server + xfrd), read from /proc over the measured run, divided by the queries completed. It holds even though dnsperf shares the 2 cores.',
    '- **server cores**: the same CPU time over wall time; **machine busy cores**: the whole machine (/proc/stat) over the run, dnsperf and the other engineers\' jobs included. When it is near the core count the run is machine-bound, not server-bound.',
    '- **RSS (sum)** adds every process\'s VmRSS, so pages shared between cluster workers (the node binary) count once per process; **PSS (sum)** splits them.',
    '- Latency is closed-loop at saturation (up to 100 outstanding), so it mostly mirrors qps; p50/p99 come from dnsperf -v.',
    '',
    '## TCP (pipelined)',
    '',
    r.errors.tcp ? `TCP run failed: ${r.errors.tcp}` : r.list.some((s) => s.runs?.tcp?.length) ? qpsTable(r.list.filter((s) => s.runs?.tcp?.length), 'tcp', by) : 'Not run.',
    '',
    tcpDefaultNote(r),
    '',
    '## Control plane under DNS load (HTTP)',
    '',
  ];
  if (r.http) {
    lines.push(
      `anycastd (1 worker) with \`--http\`; autocannon (in the bench process; ${r.httpConnections} connections flat out, or 1 connection capped at ${MONITORING_RATE} req/s; ${r.httpSeconds} s per phase) against \`/metrics\` and \`/status\`, alone and while dnsperf saturates UDP as above. The HTTP server runs in the control-plane primary; flat out, it, autocannon, the data worker and dnsperf share 2 cores, so the DNS qps drop in that row is CPU contention, not a stall. autocannon reports whole milliseconds.`,
      '',
      httpTable(r.http),
      '',
    );
  } else lines.push(r.errors.http ? `HTTP check failed: ${r.errors.http}` : 'Not run.', '');
  lines.push('## Zone load (1M names, ~1.22M records)', '');
  if (r.zoneLoad) lines.push(r.zoneLoad.intro, '', r.zoneLoad.table, '', r.zoneLoad.verdict, '');
  else lines.push(r.errors.zoneLoad ? `Zone load failed: ${r.errors.zoneLoad}` : 'Not run in quick mode (`node bench/run.mjs`, or `node bench/zone-load.mjs`).', '');
  lines.push('## Zone reload under load (issue 5)', '');
  if (r.reload) lines.push(r.reload.intro, '', r.reload.table, '', r.reload.verdict, '');
  else lines.push(r.errors.reload ? `Zone reload failed: ${r.errors.reload}` : 'Not run in quick mode (`node bench/run.mjs`, `--reload`, or `node bench/zone-reload.mjs`).', '');

  lines.push('## Checks and details', '');
  lines.push(`Answer check on the first ${r.sample} queries before the load (rcode, AA, section counts):`);
  for (const [id, c] of Object.entries(r.checks)) lines.push(`- ${id}: ${c.agree}/${c.total} same as ${c.ref}${c.diffs.length ? `; e.g. ${c.diffs.join('; ')}` : ''}`);
  lines.push('', 'Per subject (first UDP round):');
  for (const s of r.list) {
    const u = s.runs?.udp?.[0];
    if (!u) continue;
    lines.push(`- ${s.id}: started in ${fixed(s.startMs / 1000, 2)} s; rcodes ${u.rcodes}; packet sizes ${u.packetSizes}; peak RSS (sum of VmHWM) ${fixed(mib(u.hwmKiB), 0)} MiB${u.warnings.length ? `; dnsperf said: ${u.warnings.join(' / ')}` : ''}`);
  }
  for (const id of ['anycastd', 'anycastd-2w']) {
    if (!by[id]) continue;
    const p = by[id].problems ?? [];
    lines.push(`- ${id} warn/error log lines: ${p.length}${p.length ? ` (first: \`${p[0].slice(0, 300)}\`)` : ''}`);
  }
  if (a?.runs?.tcp?.length) lines.push(`- anycastd TCP reconnections seen by dnsperf: ${a.runs.tcp.map((t) => t.reconnections).join(', ')}`);
  lines.push('', `Command: \`${r.command}\``, '', '![qps and CPU per query](qps.svg)', '');
  return lines.join('\n');
}
