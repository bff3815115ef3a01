// UDP throughput bench: anycastd against Node's dgram ceiling, naive dns-packet and dns2 servers, and Knot, with dnsperf.
// Usage: node bench/udp-qps.mjs [--quick] [--seconds S] [--rounds R] [--max-qps Q] [--outstanding N] [--names N]
//        [--only echo,anycastd,...] [--no-percentiles]          (build first: npx tsc -p tsconfig.build.json)
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnTracked, stopChild, killAll, installCleanup, freePort, captureOutput } from './lib/children.mjs';
import { memoryOf, cpuMicros, mib } from './lib/procfs.mjs';
import { queryOnce, waitForSerial } from './lib/probe.mjs';
import { startKnot, knotInstalled } from './lib/knot.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { writeQueryFile, QUERY_MIX } from './lib/queries.mjs';
import { runDnsperf } from './lib/dnsperf.mjs';
import { markdownTable, fixed, ratio, thousands, median, machineLine } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    'max-qps': { type: 'string', default: '300000' },
    outstanding: { type: 'string', default: '100' },
    names: { type: 'string', default: '10000' },
    only: { type: 'string' },
    'no-percentiles': { type: 'boolean', default: false },
  },
});
const seconds = Number(opts.seconds ?? (opts.quick ? 4 : 10));
const warmup = Number(opts.warmup ?? (opts.quick ? 1 : 2));
const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3));
const ROOT = join(BENCH_DIR, '..');
const SAMPLE = 300; // queries checked against the reference before the load

/** Each subject starts on a port and says when it is ready; `dns` false for the echo server (it answers nothing). */
function subjects(zone) {
  const node = (argsFor) => (port) => {
    const child = spawnTracked(process.execPath, argsFor(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    return { child, output: captureOutput(child), stop: () => stopChild(child) };
  };
  const baseline = (script, extra = []) => node((port) => [join(BENCH_DIR, 'servers', script), '--port', String(port), ...extra]);
  const list = [
    { id: 'echo', label: 'Node dgram echo (ceiling)', dns: false, start: baseline('echo.mjs') },
    {
      id: 'anycastd', label: 'anycastd serve (1 process)', dns: true, // default log level (info), as operators run it
      start: node((port) => [join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--zones', zone.dir, '--nsid', 'bench']),
    },
    { id: 'naive', label: 'dgram + dns-packet (naive)', dns: true, start: baseline('naive-dns-packet.mjs', ['--zone', zone.file]) },
    { id: 'dns2', label: 'dns2 server', dns: true, start: baseline('dns2.mjs', ['--zone', zone.file]) },
  ];
  const knot = knotInstalled();
  if (knot) {
    list.push({
      id: 'knot', label: `${knot.replace(/^knotd \(Knot DNS\), version /, 'Knot ')} (1 UDP worker)`, dns: true,
      start: (port) => {
        const k = startKnot({ workDir: join(TMP_DIR, `knot-qps-${process.pid}`), port, zones: [{ origin: ORIGIN, file: zone.file }] });
        return { child: k.child, output: k.output, stop: () => k.stop() };
      },
    });
  }
  const only = opts.only?.split(',');
  return only ? list.filter((s) => only.includes(s.id)) : list;
}

async function waitReady(s) {
  const since = process.hrtime.bigint();
  const isDead = () => s.server.child.exitCode !== null;
  if (s.dns) return waitForSerial(s.port, ORIGIN, SERIAL, { since, isDead, timeoutMs: 60000 });
  for (;;) {
    if (await queryOnce(s.port, ORIGIN, 'SOA', 50)) return;
    if (isDead()) throw new Error(`${s.id} exited before answering`);
  }
}

/** rcode, AA and section counts: enough to see that two servers give the same kind of answer. */
const signature = (res) => (res ? `${res.rcode} aa=${res.flag_aa ? 1 : 0} an=${res.answers.length} ns=${res.authorities.length} ar=${res.additionals.length}` : 'no answer');

async function crossCheck(list, queryFile) {
  const queries = readFileSync(queryFile, 'utf8').split('\n').filter(Boolean).slice(0, SAMPLE).map((l) => l.split(' '));
  const ref = list.find((s) => s.id === 'knot') ?? list.find((s) => s.id === 'anycastd');
  const out = {};
  if (!ref) return out;
  const refSigs = [];
  for (const [name, type] of queries) refSigs.push(signature(await queryOnce(ref.port, name, type)));
  for (const s of list.filter((x) => x.dns && x !== ref)) {
    let agree = 0;
    const diffs = [];
    for (let i = 0; i < queries.length; i++) {
      const sig = signature(await queryOnce(s.port, queries[i][0], queries[i][1]));
      if (sig === refSigs[i]) agree++;
      else if (diffs.length < 4) diffs.push(`${queries[i].join(' ')}: ${sig} (${ref.id}: ${refSigs[i]})`);
    }
    out[s.id] = { agree, total: queries.length, ref: ref.id, diffs };
  }
  return out;
}

async function main() {
  installCleanup();
  const machine = await machineLine();
  const zone = cachedZone(Number(opts.names));
  mkdirSync(TMP_DIR, { recursive: true });
  const queryFile = join(TMP_DIR, `queries-${opts.names}.txt`);
  writeQueryFile(zone.file, queryFile);
  const list = subjects(zone);
  started = list;

  for (const s of list) {
    s.port = await freePort();
    s.server = s.start(s.port);
    await waitReady(s).catch((err) => {
      throw new Error(`${s.id} did not start: ${err.message}\n${s.server.output.text.slice(-1500)}`);
    });
    s.runs = [];
    console.error(`${s.id} ready on 127.0.0.1:${s.port} (pid ${s.server.child.pid})`);
  }
  const checks = await crossCheck(list, queryFile);

  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round, so slow drift in the machine's other load does not favour one subject.
    const order = list.map((_, i) => list[(i + r) % list.length]);
    for (const s of order) {
      const base = { port: s.port, queryFile, maxQps: Number(opts['max-qps']), outstanding: Number(opts.outstanding), outFile: join(TMP_DIR, `dnsperf-${process.pid}.out`) };
      if (warmup > 0) await runDnsperf({ ...base, seconds: warmup });
      const cpu0 = cpuMicros(s.server.child.pid);
      const res = await runDnsperf({ ...base, seconds, perQuery: !opts['no-percentiles'] });
      const cpu1 = cpuMicros(s.server.child.pid);
      const alive = s.server.child.exitCode === null && s.server.child.signalCode === null;
      const run = { ...res, cpuPerQueryUs: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / res.completed : NaN, alive, ...memoryOf(s.server.child.pid) };
      s.runs.push(run);
      console.error(`round ${r + 1} ${s.id}: ${thousands(run.qps)} qps, lost ${run.lost}, avg ${fixed(run.avgLatencyMs, 2)} ms, p99 ${fixed(run.p99Ms, 2)} ms, ${fixed(run.cpuPerQueryUs, 1)} us CPU/query${alive ? '' : ', SERVER DIED'}`);
      if (!alive) throw new Error(`${s.id} died during the load:\n${s.server.output.text.slice(-2000)}`);
    }
  }

  const m = (s, key) => median(s.runs.map((x) => x[key]));
  const by = Object.fromEntries(list.map((s) => [s.id, s]));
  const rows = list.map((s) => [
    s.label, thousands(m(s, 'qps')), `${thousands(Math.min(...s.runs.map((x) => x.qps)))}–${thousands(Math.max(...s.runs.map((x) => x.qps)))}`,
    fixed(m(s, 'avgLatencyMs'), 2), fixed(m(s, 'p50Ms'), 2), fixed(m(s, 'p99Ms'), 2), fixed(m(s, 'maxLatencyMs'), 1),
    String(s.runs.reduce((n, x) => n + x.lost, 0)), fixed(m(s, 'cpuPerQueryUs'), 1), fixed(mib(s.runs.at(-1).rssKiB ?? NaN), 0),
    by.echo ? ratio(m(s, 'qps'), m(by.echo, 'qps')) : 'n/a',
  ]);
  const table = markdownTable(['subject', 'qps (median)', 'qps range', 'avg ms', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'CPU µs/query', 'RSS MiB', 'qps vs echo'], rows);
  const a = by.anycastd;
  const ratioRows = a
    ? ['echo', 'naive', 'dns2', 'knot'].filter((id) => by[id]).map((id) => {
        // Paired within each round (the two ran minutes apart at most), then the median of those ratios.
        const perRound = a.runs.map((run, r) => run.qps / by[id].runs[r].qps);
        return [`anycastd / ${id}`, `${fixed(median(perRound), 2)}x`, perRound.map((x) => fixed(x, 2)).join(', '), ratio(m(a, 'cpuPerQueryUs'), m(by[id], 'cpuPerQueryUs'))];
      })
    : [];
  const ratioTable = ratioRows.length ? markdownTable(['ratio', 'qps (median of per-round ratios)', 'qps ratio per round', 'CPU µs/query (ratio of medians)'], ratioRows) : '';
  const checkLines = Object.entries(checks).map(([id, c]) => `- ${id}: ${c.agree}/${c.total} same rcode/AA/section counts as ${c.ref}${c.diffs.length ? `; e.g. ${c.diffs.join('; ')}` : ''}`);
  const details = list.map((s) => `- ${s.id}: rcodes ${s.runs[0].rcodes}; packet sizes ${s.runs[0].packetSizes}; VmHWM ${fixed(mib(s.runs.at(-1).hwmKiB ?? NaN), 0)} MiB${s.runs[0].warnings.length ? `; dnsperf said: ${s.runs[0].warnings.join(' / ')}` : ''}`);
  const anyLog = a ? a.server.output.text.split('\n').filter((l) => /"level":(40|50|60)/.test(l)) : [];
  const cmd = `node bench/udp-qps.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = [
    '# UDP queries per second on 127.0.0.1',
    '',
    `${new Date().toISOString()}; ${machine}.`,
    `Zone: \`bench/gen-zone.mjs ${opts.names}\`; ${thousands(readFileSync(queryFile, 'utf8').split('\n').length - 1)} queries (${QUERY_MIX.map((k) => `${k.pct}% ${k.kind}`).join(', ')}).`,
    `Load: \`${list[0].runs[0].args.replace(/-p \d+/, '-p PORT').replace(/-d \S+/, '-d QUERYFILE')}\`, ${warmup} s warm-up per subject, ${rounds} round(s) in rotating order; medians shown.`,
    'CPU µs/query: utime+stime of the server process (all threads) over the run / queries completed. Latency is closed-loop at saturation, so it mostly mirrors qps (outstanding / qps); p50/p99 come from dnsperf -v.',
    '',
    table,
    '',
    ratioTable,
    '',
    `Answer check on the first ${SAMPLE} queries before the load:`,
    ...checkLines,
    '',
    'Per subject (first round):',
    ...details,
    `- anycastd warn/error log lines: ${anyLog.length}${anyLog.length ? ` (first: ${anyLog[0].slice(0, 300)})` : ''}`,
    '',
    `Command: \`${cmd}\``,
    '',
  ].join('\n');
  console.log(report);
  writeFileSync(join(BENCH_DIR, 'results', 'udp-qps.md'), report);
}

let started = [];
main()
  .catch((err) => {
    console.error(err.stack ?? err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(started.map((s) => s.server?.stop()));
    await killAll();
  });
