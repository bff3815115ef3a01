// --workers sweep on the big zone: anycastd threads vs cluster processes vs Knot, with time to first answer, RSS and qps.
// Usage: node bench/workers-sweep.mjs [--names N] [--workers 1,2,4] [--subjects threads,processes,knot] [--seconds S] [--reloads R]
//        [--rounds R] (each round rotates the subjects' order) [--clients C] (dnsperf clients, default 4)
//        [--queries Q] (distinct lines in dnsperf's query file, drawn from the zone, default 50000)
//        [--node PATH]  (Node for anycastd; thread mode needs >= 22.12, default .ci/node22's when installed). Build first.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killAll, installCleanup, freePort } from './lib/children.mjs';
import { anycastdNode, anycastdMode } from './lib/worker-modes.mjs';
import { treeMemory, hugePagesSettled, mib } from './lib/procfs.mjs';
import { waitForSerial } from './lib/probe.mjs';
import { startKnot, knotInstalled } from './lib/knot.mjs';
import { runDnsperf } from './lib/dnsperf.mjs';
import { measured } from './lib/qps.mjs';
import { writeQueryFile } from './lib/queries.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { markdownTable, fixed, ratio, thousands, median, machineLine } from './lib/table.mjs';

const { values: opts } = parseArgs({
  options: {
    names: { type: 'string', default: '1000000' },
    workers: { type: 'string', default: '1,2,4' },
    subjects: { type: 'string', default: 'threads,processes,knot' },
    seconds: { type: 'string', default: '5' },
    reloads: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    clients: { type: 'string', default: '4' },
    queries: { type: 'string', default: '50000' },
    node: { type: 'string' },
    out: { type: 'string', default: join(BENCH_DIR, 'results', 'workers-sweep.md') },
  },
});
const { node, version: nodeVersion } = anycastdNode(opts.node);
const log = (...a) => console.error(...a);
/**
 * dnsperf clients, each its own socket: with reusePort (anycastd threads, Knot's UDP workers) the kernel
 * spreads flows by source address and port, so one client would reach one thread only.
 */
const CLIENTS = Number(opts.clients);

function knot(workers, file) {
  return (port) => {
    const k = startKnot({ workDir: join(TMP_DIR, `knot-sweep-${process.pid}`), port, zones: [{ origin: ORIGIN, file }], udpWorkers: workers });
    return { child: k.child, output: k.output, stop: () => k.stop() };
  };
}

/** The zone file again with another SOA serial: a reload that really swaps the zone. */
function withSerial(text, serial) {
  return text.replace(` ${SERIAL} `, ` ${serial} `);
}

async function runSubject(id, start, { queryFile, seconds, reloads, zone }) {
  const port = await freePort();
  const since = process.hrtime.bigint();
  const server = start(port);
  const s = { id, port, server };
  try {
    const readyMs = await waitForSerial(port, ORIGIN, SERIAL, { since, isDead: () => server.child.exitCode !== null });
    const ready = treeMemory(server.child.pid);
    // With ANYCASTD_HUGE_PAGES=1 zones are folded into huge pages a few seconds after loading: qps is measured after that.
    await hugePagesSettled(server.child.pid);
    await runDnsperf({ port, queryFile, seconds: 1, maxQps: 300000, clients: CLIENTS, outFile: join(TMP_DIR, `dnsperf-sweep-${process.pid}.out`) });
    const run = await measured(s, () => runDnsperf({ port, queryFile, seconds, maxQps: 300000, clients: CLIENTS, outFile: join(TMP_DIR, `dnsperf-sweep-${process.pid}.out`) }));
    const perProcess = treeMemory(server.child.pid).perProcess.map((p) => fixed(mib(p.hwmKiB), 0)).join(' + ');
    const row = { id, perProcess, readyMs, readyHwmKiB: ready.hwmKiB, readyRssKiB: ready.rssKiB, processes: ready.processes, qps: run.qps, cpuPerQueryUs: run.cpuPerQueryUs, lost: run.lost, loadHwmKiB: run.hwmKiB, loadRssKiB: run.rssKiB, reloadRss: [] };
    if (reloads > 0 && zone) {
      const text = readFileSync(zone.file, 'utf8');
      for (let r = 1; r <= reloads; r++) {
        const serial = SERIAL + r;
        writeFileSync(zone.file, withSerial(text, serial));
        process.kill(server.child.pid, 'SIGHUP');
        await waitForSerial(port, ORIGIN, serial, { since: process.hrtime.bigint(), isDead: () => server.child.exitCode !== null });
        await new Promise((ok) => setTimeout(ok, 300));
        row.reloadRss.push(treeMemory(server.child.pid).rssKiB);
      }
      writeFileSync(zone.file, text);
      row.afterReloadsHwmKiB = treeMemory(server.child.pid).hwmKiB;
    }
    log(`${id}: first answer ${fixed(readyMs / 1000, 2)} s, peak RSS ${fixed(mib(row.loadHwmKiB), 0)} MiB (${row.perProcess}), ${thousands(row.qps)} qps, ${fixed(row.cpuPerQueryUs, 1)} µs CPU/query${row.reloadRss.length ? `, RSS over ${reloads} reloads ${row.reloadRss.map((k) => fixed(mib(k), 0)).join(' ')} MiB` : ''}`);
    return row;
  } catch (err) {
    throw new Error(`${id}: ${err.message}\n${server.output.text.slice(-2000)}`);
  } finally {
    await server.stop();
  }
}

async function main() {
  installCleanup();
  mkdirSync(TMP_DIR, { recursive: true });
  const zone = cachedZone(Number(opts.names));
  const queryFile = join(TMP_DIR, `queries-sweep-${opts.names}-${opts.queries}.txt`);
  if (!existsSync(queryFile)) writeQueryFile(zone.file, queryFile, Number(opts.queries));
  const seconds = Number(opts.seconds);
  const subjects = opts.subjects.split(',');
  const counts = opts.workers.split(',').map(Number);
  const machine = await machineLine();
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const rows = [];
  const rounds = Number(opts.rounds);
  for (let round = 1; round <= rounds; round++) {
    for (const w of counts) {
      // Rotating the order each round keeps slow drift in the machine's other load from favouring one subject.
      for (const subject of subjects.map((_, i) => subjects[(i + round - 1) % subjects.length])) {
        if (subject === 'knot' && !knotInstalled()) continue;
        const start = subject === 'knot' ? knot(w, zone.file) : anycastdMode(node, subject, w, zone.dir);
        const reloads = subject === 'threads' && w === counts[0] && round === 1 ? Number(opts.reloads) : 0;
        rows.push({ w, round, subject, ...(await runSubject(`${subject} w${w}${rounds > 1 ? ` round ${round}` : ''}`, start, { queryFile, seconds, reloads, zone })) });
      }
    }
  }
  const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const knotOf = (w, round) => rows.find((r) => r.subject === 'knot' && r.w === w && r.round === round);
  const table = markdownTable(
    ['subject', '--workers', 'round', 'first answer s', 'vs Knot', 'peak RSS MiB', 'vs Knot', 'RSS under load MiB', 'qps', 'CPU µs/query', 'processes'],
    rows.map((r) => {
      const k = knotOf(r.w, r.round);
      return [r.subject, r.w, r.round, fixed(r.readyMs / 1000, 2), ratio(r.readyMs, k?.readyMs), fixed(mib(r.loadHwmKiB), 0), ratio(r.loadHwmKiB, k?.loadHwmKiB), fixed(mib(r.loadRssKiB), 0), thousands(r.qps), fixed(r.cpuPerQueryUs, 1), r.processes];
    }),
  );
  const reloadRow = rows.find((r) => r.reloadRss.length);
  const pairs = [];
  for (let round = 1; round <= rounds; round++) {
    const t = rows.find((r) => r.subject === 'threads' && r.w === 2 && r.round === round);
    const p = rows.find((r) => r.subject === 'processes' && r.w === 2 && r.round === round);
    if (t && p) pairs.push({ qps: t.qps / p.qps, cpu: t.cpuPerQueryUs / p.cpuPerQueryUs });
  }
  const pairLine = pairs.length
    ? `--workers 2, threads / processes, per round: qps ${pairs.map((x) => fixed(x.qps, 2)).join(', ')} (median ${fixed(median(pairs.map((x) => x.qps)), 2)}x); CPU per query ${pairs.map((x) => fixed(x.cpu, 2)).join(', ')} (median ${fixed(median(pairs.map((x) => x.cpu)), 2)}x, lower is better).`
    : '';
  const report = [
    '# --workers sweep: threads vs cluster processes vs Knot (1.22M-record zone)',
    '',
    `${new Date().toISOString()}; ${machine}; anycastd on Node ${nodeVersion}; load average ${load0} before, ${load1} after.`,
    `Zone \`bench/gen-zone.mjs ${opts.names}\`. First answer: spawn until the SOA serial is answered. Peak RSS: VmHWM summed over the process tree`,
    `(control plane + data process, or primary + one process per worker), read after the qps run. qps: dnsperf with ${CLIENTS} clients (${CLIENTS} source ports, so reusePort spreads them),`,
    `${seconds} s, 100 outstanding, once any folding into huge pages (ANYCASTD_HUGE_PAGES=1) has settled and after 1 s warm-up, ${thousands(Number(opts.queries))} queries drawn from the zone (bench/lib/queries.mjs); CPU µs/query over the server's whole tree. Knot: \`udp-workers\` = --workers.`,
    'Machine-bound: this machine has 2 cores and dnsperf takes one of them, so qps stops growing past --workers 1-2;',
    '--workers 4 shows memory, not speed.',
    '',
    table,
    '',
    reloadRow ? `RSS of \`${reloadRow.id}\` after each of ${reloadRow.reloadRss.length} reloads (new serial each, MiB): ${reloadRow.reloadRss.map((k) => fixed(mib(k), 0)).join(', ')}.` : '',
    pairLine,
    '',
    `Command: \`node bench/workers-sweep.mjs ${process.argv.slice(2).join(' ')}\` under \`flock /tmp/anycastd-bench.lock\`.`,
    '',
  ].join('\n');
  console.log(report);
  writeFileSync(opts.out, report);
}

main()
  .catch((err) => {
    console.error(err.stack ?? err);
    process.exitCode = 1;
  })
  .finally(() => killAll());
