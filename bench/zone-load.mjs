// Zone load bench: time and memory to load a 1M-name zone in anycastd, against Knot loading the same file.
// Usage: node bench/zone-load.mjs [--quick] [--names N] [--runs R] [--semantic-checks]   (build first: npx tsc -p tsconfig.build.json)
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnTracked, stopChild, installCleanup, freePort, captureOutput } from './lib/children.mjs';
import { treeMemory, treeCpuMicros, mib } from './lib/procfs.mjs';
import { waitForSerial } from './lib/probe.mjs';
import { startKnot, knotInstalled } from './lib/knot.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { markdownTable, fixed, ratio, median, machineLine } from './lib/table.mjs';
import { commandLine, runIfScript, writeResult } from './lib/script.mjs';

const ROOT = join(BENCH_DIR, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** Runs the in-process loader child and returns its JSON line plus the wall time of the whole child process. */
async function loadInChild(file, extra = []) {
  const t0 = process.hrtime.bigint();
  const child = spawnTracked(process.execPath, ['--expose-gc', join(BENCH_DIR, 'lib', 'zone-load-child.mjs'), file, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = captureOutput(child);
  const code = await new Promise((ok) => child.once('exit', ok));
  const processMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const line = out.text.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`zone-load child failed (exit ${code}):\n${out.text.slice(-2000)}`);
  return { ...JSON.parse(line), processMs };
}

/**
 * Starts a server process, waits for the zone's SOA, reads its memory, stops it. Memory and CPU are the whole
 * process tree's: `anycastd serve` is a cluster primary plus a data-path worker (which loads the zone), and the
 * sum of each process's VmHWM is the (upper-bound) peak; PSS splits the pages the processes share.
 */
export async function timeToSerial(start) {
  const port = await freePort();
  const since = process.hrtime.bigint();
  const server = start(port);
  try {
    const ms = await waitForSerial(port, ORIGIN, SERIAL, { since, isDead: () => server.child.exitCode !== null });
    const mem = treeMemory(server.child.pid);
    const cpuMs = treeCpuMicros(server.child.pid) / 1000; // all threads of all processes, from spawn until the SOA was answered
    return { ms, cpuMs, ...mem, extra: server.extra?.() ?? {} };
  } catch (err) {
    throw new Error(`${err.message}\n${server.output.text.slice(-2000)}`);
  } finally {
    await server.stop();
  }
}

export function startAnycastd(dir) {
  return (port) => {
    const child = spawnTracked(process.execPath, [CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--zones', dir, '--nsid', 'bench', '--log-level', 'warn', '--control-socket', join(tmpdir(), `anycastd-bench-control-${port}.sock`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(child);
    return { child, output, stop: () => stopChild(child, 5000), extra: () => ({ logProblems: output.text.split('\n').filter((l) => /"level":(40|50|60)/.test(l)).length }) };
  };
}

export function startKnotLoad(file, semanticChecks) {
  return (port) => {
    const k = startKnot({ workDir: join(TMP_DIR, `knot-load-${process.pid}`), port, zones: [{ origin: ORIGIN, file }], semanticChecks });
    return { child: k.child, output: k.output, stop: () => k.stop(), extra: () => ({ zoneBytes: k.zoneBytes() }) };
  };
}

/**
 * The whole bench; returns { report (Markdown), table, verdict, figures }. Also used by bench/run.mjs.
 * opts: names, runs, semanticChecks, command (for the report), log.
 */
export async function zoneLoadBench({ names = 1000000, runs = 3, semanticChecks = false, command = 'node bench/zone-load.mjs', log = console.error } = {}) {
  installCleanup();
  const opts = { 'semantic-checks': semanticChecks };
  const machine = await machineLine();
  const zone = cachedZone(names);
  const sizeMiB = mib(statSync(zone.file).size / 1024);
  const knotVersion = knotInstalled();
  log(`zone ${zone.file} (${fixed(sizeMiB)} MiB${zone.generated ? ', generated now' : ', cached'}), ${runs} run(s)`);

  const idle = await loadInChild(zone.file, ['--baseline']);
  const samples = { load: [], serve: [], knot: [] };
  for (let r = 0; r < runs; r++) {
    const load = await loadInChild(zone.file);
    if (load.errors) log(`anycastd reported ${load.errors} zone errors: ${load.firstErrors.join('; ')}`);
    samples.load.push(load);
    log(`run ${r + 1}: loadZoneFile ${fixed(load.loadMs / 1000, 2)} s, VmHWM ${fixed(mib(load.hwmKiB))} MiB`);
    const serve = await timeToSerial(startAnycastd(zone.dir));
    samples.serve.push(serve);
    log(`run ${r + 1}: anycastd serve answers SOA after ${fixed(serve.ms / 1000, 2)} s, VmHWM ${fixed(mib(serve.hwmKiB))} MiB`);
    if (knotVersion) {
      const knot = await timeToSerial(startKnotLoad(zone.file, opts['semantic-checks']));
      samples.knot.push(knot);
      log(`run ${r + 1}: knotd answers SOA after ${fixed(knot.ms / 1000, 2)} s, VmHWM ${fixed(mib(knot.hwmKiB))} MiB`);
    }
  }

  const med = (list, key) => median(list.map((s) => s[key]));
  const all = (list, key, f) => list.map((s) => f(s[key])).join(', ');
  const secs = (ms) => fixed(ms / 1000, 2);
  const mibs = (kib) => fixed(mib(kib), 0);
  const knotMs = med(samples.knot, 'ms');
  const knotHwm = med(samples.knot, 'hwmKiB');
  const first = samples.load[0];
  const rows = [
    ['anycastd `loadZoneFile` (in-process, parse+compile)', secs(med(samples.load, 'loadMs')), secs(med(samples.load, 'cpuMs')), mibs(med(samples.load, 'hwmKiB')), mibs(med(samples.load, 'rssKiB')),
      ratio(med(samples.load, 'loadMs'), knotMs), ratio(med(samples.load, 'hwmKiB'), knotHwm),
      `runs ${all(samples.load, 'loadMs', secs)} s; whole process ${secs(med(samples.load, 'processMs'))} s; heap after GC ${fixed(first.heapUsedAfterGc / 2 ** 20)} MiB; compiled typed arrays ${fixed(first.compiledBytes / 2 ** 20)} MiB`],
    ['anycastd `serve`, 1 worker (spawn → answers SOA; primary + worker)', secs(med(samples.serve, 'ms')), secs(med(samples.serve, 'cpuMs')), mibs(med(samples.serve, 'hwmKiB')), mibs(med(samples.serve, 'rssKiB')),
      ratio(med(samples.serve, 'ms'), knotMs), ratio(med(samples.serve, 'hwmKiB'), knotHwm),
      `runs ${all(samples.serve, 'ms', secs)} s; ${samples.serve[0].processes} processes, peak RSS primary ${mibs(samples.serve[0].perProcess[0]?.hwmKiB)} + worker(s) ${samples.serve[0].perProcess.slice(1).map((x) => mibs(x.hwmKiB)).join(' + ')} MiB (first run), PSS ${mibs(med(samples.serve, 'pssKiB'))} MiB; compiled in a worker thread; warn/error log lines ${samples.serve.reduce((n, s) => n + s.extra.logProblems, 0)}`],
  ];
  if (knotVersion) {
    rows.push([`${knotVersion.replace(/^knotd \(Knot DNS\), version /, 'Knot ')} (spawn → answers SOA)`, secs(knotMs), secs(med(samples.knot, 'cpuMs')), mibs(knotHwm), mibs(med(samples.knot, 'rssKiB')), '1.00x', '1.00x',
      `runs ${all(samples.knot, 'ms', secs)} s; PSS ${mibs(med(samples.knot, 'pssKiB'))} MiB; semantic checks ${opts['semantic-checks'] ? 'on' : 'off'}; Knot's zone size ${fixed((samples.knot[0].extra.zoneBytes ?? NaN) / 2 ** 20)} MiB`]);
  }
  rows.push(['Node idle (imports the loader, no zone)', '-', '-', mibs(idle.hwmKiB), mibs(idle.rssKiB), '-', '-', 'the floor under every Node row']);
  const table = markdownTable(['subject', 'load time s', 'CPU s', 'peak RSS MiB', 'RSS after MiB', 'time vs Knot', 'peak RSS vs Knot', 'notes'], rows);

  // The judged figures are the server's, end to end (what an operator runs); the in-process loader is shown too.
  const figures = {
    knotMs,
    knotHwmKiB: knotHwm,
    serveMs: med(samples.serve, 'ms'),
    serveHwmKiB: med(samples.serve, 'hwmKiB'),
    loadMs: med(samples.load, 'loadMs'),
    loadHwmKiB: med(samples.load, 'hwmKiB'),
    timeRatio: med(samples.serve, 'ms') / knotMs,
    rssRatio: med(samples.serve, 'hwmKiB') / knotHwm,
    loaderTimeRatio: med(samples.load, 'loadMs') / knotMs,
    loaderRssRatio: med(samples.load, 'hwmKiB') / knotHwm,
    records: first.records,
    knot: Boolean(knotVersion),
  };
  const verdict = knotVersion
    ? [`- load time <= 2x Knot: ${figures.timeRatio <= 2 ? 'met' : 'NOT met'} (serve end to end ${fixed(figures.timeRatio, 2)}x; in-process loader ${fixed(figures.loaderTimeRatio, 2)}x)`,
       `- peak RSS <= Knot: ${figures.rssRatio <= 1 ? 'met' : 'NOT met'} (serve, primary + worker summed, ${fixed(figures.rssRatio, 2)}x; in-process loader ${fixed(figures.loaderRssRatio, 2)}x)`].join('\n')
    : '- knotd not installed: no targets checked';
  const intro = [
    `Zone: \`bench/gen-zone.mjs ${names}\` → ${first.records.toLocaleString('en-US')} records, ${fixed(sizeMiB)} MiB of text, ${first.errors} errors, ${first.warnings} warnings. ${runs} run(s) per subject, interleaved; medians shown.`,
    'Load time: in-process `loadZoneFile` for the first row; spawn until the server answers the SOA serial (polled every 20 ms over UDP) for the server rows. CPU s: user+system over the same span, summed over the process tree (steadier than wall time on a shared machine). Peak RSS: VmHWM from /proc, summed over the tree (anycastd serve = cluster primary + data worker), so it is an upper bound.',
  ].join('\n');
  const report = [
    '# Zone load: anycastd vs Knot',
    '',
    `${new Date().toISOString()}; ${machine}.`,
    intro,
    '',
    table,
    '',
    'Targets (issue): load time <= 2x Knot, RSS <= Knot.',
    verdict,
    '',
    `Command: \`${command}\``,
    '',
  ].join('\n');
  return { report, intro, table, verdict, figures };
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      names: { type: 'string', default: '1000000' },
      runs: { type: 'string' },
      'semantic-checks': { type: 'boolean', default: false },
    },
  });
  const names = Number(opts.names);
  const runs = Number(opts.runs ?? (opts.quick ? 1 : 3));
  const command = commandLine('zone-load.mjs');
  const { report } = await zoneLoadBench({ names, runs, semanticChecks: opts['semantic-checks'], command });
  console.log(report);
  writeResult('zone-load.md', report);
}

runIfScript(import.meta.url, main);
