// Threads against cluster processes at the same --workers, paired closely enough to resolve a few percent.
// Usage: node bench/workers-paired.mjs [--launches L] [--rounds R] [--seconds S] [--rate QPS] [--workers N]
//        [--clients C] [--queries Q] [--names N] [--huge-pages on|off] [--node PATH] [--out FILE]. Build first.
//
// Why not the sweep's numbers: a launch of the big zone has its own speed (JIT and memory placement differ from
// one start to the next by a few percent), and one launch per round mixes that into the comparison. Here both
// servers are up together and take turns: each launch gives R alternating rounds per subject, the start order
// alternates between launches, and the verdict is the median over launches of each launch's ratio of medians.
// Each round measures twice: dnsperf flat out (qps and CPU per query, load generator on the same 2 cores) and at a
// fixed rate below saturation (CPU per query only: with dnsperf not starved, the cleaner per-query figure).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installCleanup, freePort } from './lib/children.mjs';
import { anycastdNode, anycastdMode } from './lib/worker-modes.mjs';
import { waitForSerial } from './lib/probe.mjs';
import { hugePagesSettled, mib } from './lib/procfs.mjs';
import { runDnsperf } from './lib/dnsperf.mjs';
import { measured } from './lib/qps.mjs';
import { writeQueryFile } from './lib/queries.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { markdownTable, fixed, thousands, median, machineLine } from './lib/table.mjs';
import { commandLine, runIfScript } from './lib/script.mjs';

const SUBJECTS = ['threads', 'processes'];

function options() {
  const { values } = parseArgs({
    options: {
      launches: { type: 'string', default: '6' },
      rounds: { type: 'string', default: '4' },
      seconds: { type: 'string', default: '4' },
      rate: { type: 'string', default: '100000' },
      workers: { type: 'string', default: '2' },
      clients: { type: 'string', default: '16' },
      queries: { type: 'string', default: '50000' },
      names: { type: 'string', default: '1000000' },
      'huge-pages': { type: 'string', default: 'on' },
      node: { type: 'string' },
      out: { type: 'string', default: join(BENCH_DIR, 'results', 'workers-paired.md') },
    },
  });
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, ['node', 'out', 'huge-pages'].includes(k) ? v : Number(v)]));
}

/** Starts every subject, in `order`, on its own port; resolves once each answers the zone's serial. */
async function startAll(order, start) {
  const up = [];
  for (const mode of order) {
    const port = await freePort();
    const since = process.hrtime.bigint();
    const server = start(mode)(port);
    await waitForSerial(port, ORIGIN, SERIAL, { since, isDead: () => server.child.exitCode !== null });
    up.push({ id: mode, port, server });
  }
  return up;
}

/** One launch: both subjects up, `rounds` alternating rounds of a saturating run and a fixed-rate run each. */
async function launch(index, o, start, queryFile, log) {
  const order = index % 2 ? [...SUBJECTS].reverse() : SUBJECTS;
  const up = await startAll(order, start);
  const perf = (s, seconds, maxQps) => runDnsperf({ port: s.port, queryFile, seconds, maxQps, clients: o.clients, outFile: join(TMP_DIR, `dnsperf-paired-${process.pid}.out`) });
  try {
    for (const s of up) await perf(s, 2, 300000); // JIT warm-up, and the zone's pages faulted in
    for (const s of up) s.hugeKiB = await hugePagesSettled(s.server.child.pid);
    const runs = Object.fromEntries(up.map((s) => [s.id, { full: [], fixed: [] }]));
    for (let r = 0; r < o.rounds; r++) {
      for (const s of r % 2 ? [...up].reverse() : up) {
        const full = await measured(s, () => perf(s, o.seconds, 300000));
        const steady = await measured(s, () => perf(s, o.seconds, o.rate));
        for (const run of [full, steady]) if (!run.alive) throw new Error(`${s.id} died:\n${s.server.output.text.slice(-2000)}`);
        runs[s.id].full.push(full);
        runs[s.id].fixed.push(steady);
        log(`launch ${index + 1} round ${r + 1} ${s.id}: ${thousands(full.qps)} qps at ${fixed(full.cpuPerQueryUs, 2)} µs/query; ` +
          `${thousands(steady.qps)} qps at ${fixed(steady.cpuPerQueryUs, 2)} µs/query`);
      }
    }
    return { order, runs, hugeKiB: Object.fromEntries(up.map((s) => [s.id, s.hugeKiB])) };
  } finally {
    for (const s of up) await s.server.stop();
  }
}

/** A launch's figures per subject: medians over its rounds. */
function launchMedians(l) {
  const m = {};
  for (const [id, r] of Object.entries(l.runs)) {
    m[id] = { qps: median(r.full.map((x) => x.qps)), cpu: median(r.full.map((x) => x.cpuPerQueryUs)), fixedCpu: median(r.fixed.map((x) => x.cpuPerQueryUs)), fixedQps: median(r.fixed.map((x) => x.qps)) };
  }
  return m;
}

function report(o, launches, head) {
  const [a, b] = SUBJECTS;
  const per = launches.map(launchMedians);
  const ratios = per.map((m) => ({ qps: m[a].qps / m[b].qps, cpu: m[a].cpu / m[b].cpu, fixedCpu: m[a].fixedCpu / m[b].fixedCpu }));
  const rows = [];
  per.forEach((m, i) => {
    for (const id of SUBJECTS) {
      rows.push([i + 1, launches[i].order.indexOf(id) + 1, id, fixed(mib(launches[i].hugeKiB[id]), 0), thousands(m[id].qps), fixed(m[id].cpu, 2), thousands(m[id].fixedQps), fixed(m[id].fixedCpu, 2)]);
    }
  });
  const list = (key) => ratios.map((x) => fixed(x[key], 3)).join(', ');
  const verdict = (key) => median(ratios.map((x) => x[key]));
  return [
    `# --workers ${o.workers}: threads vs cluster processes, paired`,
    '',
    head,
    `Zone \`bench/gen-zone.mjs ${o.names}\`; ${thousands(o.queries)} queries drawn from it; dnsperf with ${o.clients} clients, 100 outstanding.`,
    `${o.launches} launches; in each, both servers run at once and take turns for ${o.rounds} rounds: ${o.seconds} s flat out, then ${o.seconds} s at ${thousands(o.rate)} qps.`,
    ...(o['huge-pages'] === 'off' ? [] : ['Rounds start once the zones have settled on huge pages (\`huge pages MiB\`: AnonHugePages over the tree; folding starts 3 s after loading).']),
    'The started-first subject alternates between launches. Figures per launch are medians over its rounds; CPU per query is the',
    "server's whole process tree. This machine has 2 cores and dnsperf shares them, so the flat-out qps is partly dnsperf's.",
    '',
    markdownTable(['launch', 'started', 'subject', 'huge pages MiB', 'flat-out qps', 'CPU µs/query', `fixed-rate qps`, 'CPU µs/query at fixed rate'], rows),
    '',
    `threads / processes, per launch: flat-out qps ${list('qps')} (median **${fixed(verdict('qps'), 3)}x**, higher is better);`,
    `flat-out CPU per query ${list('cpu')} (median **${fixed(verdict('cpu'), 3)}x**, lower is better);`,
    `CPU per query at ${thousands(o.rate)} qps ${list('fixedCpu')} (median **${fixed(verdict('fixedCpu'), 3)}x**, lower is better).`,
    '',
    `Command: \`${commandLine('workers-paired.mjs')}\` under \`flock /tmp/anycastd-bench.lock\`.`,
    '',
  ].join('\n');
}

async function main() {
  installCleanup();
  const o = options();
  const log = (...x) => console.error(...x);
  const { node, version } = anycastdNode(o.node);
  process.env.ANYCASTD_HUGE_PAGES = o['huge-pages'] === 'off' ? '0' : '1'; // the servers inherit it
  mkdirSync(TMP_DIR, { recursive: true });
  const zone = cachedZone(o.names);
  const queryFile = join(TMP_DIR, `queries-sweep-${o.names}-${o.queries}.txt`);
  if (!existsSync(queryFile)) writeQueryFile(zone.file, queryFile, o.queries);
  const machine = await machineLine();
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const start = (mode) => anycastdMode(node, mode, o.workers, zone.dir);
  const launches = [];
  for (let i = 0; i < o.launches; i++) launches.push(await launch(i, o, start, queryFile, log));
  const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').trim();
  const huge = process.env.ANYCASTD_HUGE_PAGES === '1' ? 'zones on huge pages (ANYCASTD_HUGE_PAGES=1)' : 'zones on 4 KiB pages';
  const text = report(o, launches, `${new Date().toISOString()}; ${machine}; anycastd on Node ${version}; ${huge}, THP \`${thp}\`; load average ${load0} before, ${load1} after.`);
  console.log(text);
  writeFileSync(o.out, text);
}

runIfScript(import.meta.url, main);
