// The bench entry point (`npm run bench`): UDP and TCP qps of anycastd against Node's floor, the JavaScript peers,
// Knot and NSD; the control plane's HTTP side under DNS load; zone load and zone reload (full mode). Writes a
// Markdown report and an SVG plot. Every load is bounded in time and aimed at 127.0.0.1 only.
// Usage: node bench/run.mjs [--quick] [--reload] [--zone-load] [--parts udp,tcp,http,zone-load,reload]
//        [--only echo,anycastd,...] [--seconds S] [--rounds R] [--out DIR]     (build first: npx tsc -p tsconfig.build.json)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { installCleanup, killAll } from './lib/children.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR } from './lib/zone-cache.mjs';
import { writeQueryFile } from './lib/queries.mjs';
import { dnsperfInstalled } from './lib/dnsperf.mjs';
import { allSubjects, startSubject, crossCheck, problemLines, CLI } from './lib/subjects.mjs';
import { qpsRounds, tcpDefaultLimitProbe } from './lib/qps.mjs';
import { httpSide } from './lib/http-side.mjs';
import { markdownReport, plot } from './lib/report.mjs';
import { machineLine } from './lib/table.mjs';
import { zoneLoadBench } from './zone-load.mjs';
import { zoneReloadBench } from './zone-reload.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reload: { type: 'boolean', default: false },
    'zone-load': { type: 'boolean', default: false },
    parts: { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string' },
    'tcp-seconds': { type: 'string' },
    'http-seconds': { type: 'string' },
    rounds: { type: 'string' },
    names: { type: 'string', default: '10000' },
    out: { type: 'string' },
  },
});
const quick = opts.quick;
const parts = new Set(opts.parts ? opts.parts.split(',') : ['udp', 'tcp', 'http', ...(!quick || opts['zone-load'] ? ['zone-load'] : []), ...(!quick || opts.reload ? ['reload'] : [])]);
const cfg = {
  udpSeconds: Number(opts.seconds ?? (quick ? 2.5 : 10)),
  tcpSeconds: Number(opts['tcp-seconds'] ?? opts.seconds ?? (quick ? 2 : 10)),
  httpSeconds: Number(opts['http-seconds'] ?? (quick ? 1 : 5)),
  warmup: quick ? 0.5 : 2,
  rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
  outstanding: 100,
  maxQps: 300000,
  httpConnections: 4,
  sample: quick ? 100 : 300,
};
// Quick runs go to the git-ignored tmp directory so they never overwrite the committed full report.
const outDir = opts.out ?? (quick ? TMP_DIR : join(BENCH_DIR, 'results'));
const log = (msg) => console.error(msg);

async function main() {
  installCleanup();
  const t0 = Date.now();
  if (!existsSync(CLI)) throw new Error(`${relative(process.cwd(), CLI)} is missing: build first (npx tsc -p tsconfig.build.json, or npm install)`);
  const dnsperf = dnsperfInstalled();
  if (!dnsperf) throw new Error('dnsperf is not installed (apt-get install dnsperf): it is the load generator for every part');
  const r = {
    quick, startedAt: new Date().toISOString(), machine: await machineLine(), dnsperf: `dnsperf ${dnsperf.replace(/^Version /, '')}`,
    names: Number(opts.names), ...cfg, errors: {}, checks: {}, skipped: [], list: [],
    command: `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  };
  mkdirSync(TMP_DIR, { recursive: true });
  const zone = cachedZone(r.names);
  const queryFile = join(TMP_DIR, `queries-${r.names}.txt`);
  writeQueryFile(zone.file, queryFile);
  r.queryCount = readFileSync(queryFile, 'utf8').split('\n').filter(Boolean).length;
  r.udpArgs = `dnsperf -s 127.0.0.1 -p PORT -d QUERYFILE -l ${cfg.udpSeconds} -c 1 -T 1 -Q ${cfg.maxQps} -q ${cfg.outstanding} -v`;

  if (parts.has('udp') || parts.has('tcp') || parts.has('http')) {
    const { list, skipped } = await allSubjects(zone, { only: opts.only });
    r.list = list;
    r.skipped = skipped;
    for (const s of skipped) log(`skipping ${s.id}: ${s.why}`);
    try {
      for (const s of list) {
        await startSubject(s);
        log(`${s.id} ready on 127.0.0.1:${s.port} (pid ${s.server.child.pid}) after ${(s.startMs / 1000).toFixed(2)} s`);
      }
      r.checks = await crossCheck(list, queryFile, cfg.sample);
      const common = { seconds: cfg.udpSeconds, warmup: cfg.warmup, rounds: cfg.rounds, queryFile, maxQps: cfg.maxQps, outstanding: cfg.outstanding, log };
      if (parts.has('udp')) await section(r, 'udp', () => qpsRounds(list, { ...common, mode: 'udp' }));
      if (parts.has('tcp')) {
        await section(r, 'tcp', () => qpsRounds(list.filter((s) => s.tcp), { ...common, mode: 'tcp', seconds: cfg.tcpSeconds }));
        if (list.some((s) => s.id === 'anycastd')) await section(r, 'tcpDefault', async () => (r.tcpDefault = await tcpDefaultLimitProbe(zone, { seconds: cfg.tcpSeconds, queryFile })));
      }
      const a = list.find((s) => s.id === 'anycastd');
      if (parts.has('http') && a) await section(r, 'http', async () => (r.http = await httpSide(a, { seconds: cfg.httpSeconds, queryFile, connections: cfg.httpConnections, log })));
    } finally {
      // Log problems before stopping (shutdown itself logs a warning), then free the cores and memory.
      for (const s of list) if (s.server) s.problems = problemLines(s);
      await Promise.all(list.map((s) => s.server?.stop()));
    }
  }
  if (parts.has('zone-load')) {
    await section(r, 'zoneLoad', async () => (r.zoneLoad = await zoneLoadBench({ runs: quick ? 1 : 3, command: r.command, log })));
  }
  if (parts.has('reload')) {
    await section(r, 'reload', async () => (r.reload = await zoneReloadBench({ reloads: 5, command: r.command, log })));
  }

  r.totalSeconds = (Date.now() - t0) / 1000;
  const report = markdownReport(r);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'REPORT.md'), report);
  if (r.list.some((s) => s.runs?.udp?.length)) writeFileSync(join(outDir, 'qps.svg'), plot(r.list, r.machine));
  console.log(report);
  log(`wrote ${relative(process.cwd(), join(outDir, 'REPORT.md'))} and qps.svg in ${r.totalSeconds.toFixed(0)} s`);
  if (Object.keys(r.errors).length) process.exitCode = 1;
}

/** Runs one part; a failure is recorded in the report (and the exit code) instead of ending the whole run. */
async function section(r, name, fn) {
  try {
    await fn();
  } catch (err) {
    log(`${name} failed: ${err.stack ?? err}`);
    r.errors[name] = String(err.message ?? err).split('\n')[0];
  }
}

main()
  .catch((err) => {
    console.error(err.stack ?? err);
    process.exitCode = 1;
  })
  .finally(() => killAll());
