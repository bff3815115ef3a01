// Zone reload under load: anycastd serves a small zone at a steady query rate while a 1M-name zone in the same
// directory is rewritten (serial + 1, temp file + rename) and reloaded N times; compares the small zone's latency
// and losses with a run of the same length without reloads.
// Usage: node bench/zone-reload.mjs [--quick] [--reloads N] [--rate QPS] [--workers N] [--names N]
//        (build first: npx tsc -p tsconfig.build.json)
import { mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnTracked, stopChild, installCleanup, freePort, captureOutput, removeOnExit } from './lib/children.mjs';
import { waitForSerial } from './lib/probe.mjs';
import { cachedZone, BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { writeQueryFile } from './lib/queries.mjs';
import { runDnsperf } from './lib/dnsperf.mjs';
import { measured } from './lib/qps.mjs';
import { treeMemory, hugePagesSettled, mib } from './lib/procfs.mjs';
import { anycastdArgs, problemLines } from './lib/subjects.mjs';
import { markdownTable, fixed, thousands, median, machineLine } from './lib/table.mjs';
import { commandLine, runIfScript, writeResult } from './lib/script.mjs';

const SMALL_ORIGIN = 'small.test.';
const PROBE_INTERVAL_MS = 5;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Starts the timestamped prober (lib/udp-prober.mjs) against the small zone; stop() resolves with its findings. */
function startProber(port, boundS) {
  const child = spawnTracked(process.execPath, [join(BENCH_DIR, 'lib', 'udp-prober.mjs'), '--port', String(port), '--name', `ns1.${SMALL_ORIGIN}`, '--interval', String(PROBE_INTERVAL_MS), '--seconds', String(boundS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureOutput(child);
  const exited = new Promise((ok) => child.once('exit', ok));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const line = out.text.split('\n').find((l) => l.startsWith('{'));
      return line ? JSON.parse(line) : { sent: 0, answered: 0, slow: [], lost: [], error: out.text.slice(-500) };
    },
  };
}

/** Places each slow or lost probe in a reload's timeline: while compiling (rename → served), just after, or elsewhere. */
function lineUp(probe, reloadRuns, settleMs) {
  const events = [...probe.slow, ...probe.lost].sort((a, b) => a.at - b.at);
  const where = { compiling: 0, afterServed: 0, elsewhere: 0 };
  const worst = [];
  for (const e of events) {
    const r = reloadRuns.find((x) => e.at >= x.renamedAt - 50 && e.at <= x.servedAt + settleMs);
    const phase = !r ? 'elsewhere' : e.at <= r.servedAt ? 'compiling' : 'afterServed';
    where[phase]++;
    worst.push({ ...e, phase, rel: r ? (phase === 'compiling' ? `rename +${e.at - r.renamedAt} ms` : `served +${e.at - r.servedAt} ms`) : '' });
  }
  worst.sort((a, b) => (b.ms ?? 1e9) - (a.ms ?? 1e9));
  return { where, worst: worst.slice(0, 5), count: events.length };
}

/**
 * Returns { report, intro, table, verdict, figures }. opts: reloads, rate (qps on the small zone), workers,
 * names (of the big zone), smallNames, settleMs (pause after each reload is served), debounceMs, command, log.
 */
export async function zoneReloadBench({ reloads = 5, rate = 5000, workers = 1, names = 1000000, smallNames = 10000, settleMs = 1000, debounceMs = 200, command = 'node bench/zone-reload.mjs', log = console.error } = {}) {
  installCleanup();
  const machine = await machineLine();
  const big = cachedZone(names);
  const small = cachedZone(smallNames, SMALL_ORIGIN);
  const work = join(TMP_DIR, `reload-${process.pid}`);
  const zonesDir = join(work, 'zones');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(zonesDir, { recursive: true });
  removeOnExit(work);
  copyFileSync(small.file, join(zonesDir, `${SMALL_ORIGIN}zone`));
  const bigText = readFileSync(big.file, 'utf8');
  const soaLine = /^(@ SOA \S+ \S+ )(\d+)/m;
  if (!soaLine.test(bigText)) throw new Error(`${big.file}: no "@ SOA" line to bump the serial in`);
  const bigPath = join(zonesDir, `${ORIGIN}zone`);
  writeFileSync(bigPath, bigText);
  const queryFile = join(TMP_DIR, `queries-small-${smallNames}.txt`);
  writeQueryFile(small.file, queryFile);

  const port = await freePort();
  const child = spawnTracked(process.execPath, anycastdArgs(port, zonesDir, { workers, extra: ['--zones-debounce-ms', String(debounceMs)] }), { stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { id: 'anycastd', server: { child, output: captureOutput(child) } };
  const isDead = () => child.exitCode !== null || child.signalCode !== null;
  try {
    const since = process.hrtime.bigint();
    const startMs = await waitForSerial(port, ORIGIN, SERIAL, { since, isDead, timeoutMs: 180000 });
    await waitForSerial(port, SMALL_ORIGIN, SERIAL, { since, isDead, timeoutMs: 10000 });
    log(`reload: anycastd (${workers} worker(s)) serves both zones after ${fixed(startMs / 1000, 2)} s; RSS ${fixed(mib(treeMemory(child.pid).rssKiB), 0)} MiB`);
    const base = { port, queryFile, maxQps: rate, outstanding: 1000, perQuery: true, timeoutS: 5 };
    await runDnsperf({ ...base, seconds: 2, perQuery: false, outFile: join(TMP_DIR, `dnsperf-reload-warm-${process.pid}.out`) });

    // With reloads: dnsperf runs until the last reload is served and settled, then is stopped (SIGINT).
    const reloadRuns = [];
    const abort = new AbortController();
    const boundS = Math.ceil(reloads * (180 + settleMs / 1000) + 30); // never reached unless a reload hangs
    const withReloads = measured(s, () => runDnsperf({ ...base, seconds: boundS, signal: abort.signal, outFile: join(TMP_DIR, `dnsperf-reload-${process.pid}.out`) }));
    const prober = startProber(port, boundS);
    let probe;
    try {
      await sleep(settleMs);
      for (let k = 1; k <= reloads; k++) {
        const serial = SERIAL + k;
        const tmp = join(work, `.${ORIGIN}zone.${k}.tmp`); // outside the zones directory, same file system
        writeFileSync(tmp, bigText.replace(soaLine, `$1${serial}`));
        const t0 = process.hrtime.bigint();
        const renamedAt = Date.now();
        renameSync(tmp, bigPath);
        const ms = await waitForSerial(port, ORIGIN, serial, { since: t0, isDead, timeoutMs: 180000 });
        const servedAt = Date.now();
        const mem = treeMemory(child.pid);
        reloadRuns.push({ serial, ms, rssKiB: mem.rssKiB, renamedAt, servedAt });
        log(`reload ${k}: serial ${serial} served ${fixed(ms / 1000, 2)} s after the rename; RSS ${fixed(mib(mem.rssKiB), 0)} MiB`);
        await sleep(settleMs);
      }
    } finally {
      abort.abort();
      probe = await prober.stop();
    }
    const during = await withReloads;
    // The same length without reloads, once the last reload's zone is folded into huge pages (src/zone/compiled/huge-pages.ts).
    await hugePagesSettled(s.server.child.pid);
    const seconds = Math.max(1, Math.round(during.runSeconds));
    const baseProber = startProber(port, seconds + 5);
    const baseline = await measured(s, () => runDnsperf({ ...base, seconds, outFile: join(TMP_DIR, `dnsperf-reload-base-${process.pid}.out`) }));
    const baseProbe = await baseProber.stop();
    const lined = lineUp(probe, reloadRuns, settleMs);
    const endMem = treeMemory(child.pid);
    const problems = problemLines(s);

    const row = (name, r, p) => [name, fixed(r.runSeconds, 1), thousands(r.qps), thousands(r.sent), `${r.lost} (${r.timedOut} timed out)`, fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), fixed(r.p999Ms, 2), fixed(r.maxMs, 1), String(r.over10Ms), fixed(r.serverCores, 2),
      `${thousands(p.sent)} sent, ${p.slow.length} slow, ${p.lost.length} lost`];
    const table = markdownTable(
      ['small zone, steady load', 's', 'qps', 'queries sent', 'lost', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', '> 10 ms', 'anycastd cores', `prober (1 query / ${PROBE_INTERVAL_MS} ms)`],
      [row('without reloads (baseline)', baseline, baseProbe), row(`during ${reloads} reloads of the big zone`, during, probe)],
    );
    const reloadMs = reloadRuns.map((r) => r.ms);
    const figures = { during, baseline, probe: lined, reloadRuns, p99Ms: during.p99Ms, lost: during.lost, medianReloadMs: median(reloadMs), maxReloadMs: Math.max(...reloadMs) };
    const met = during.p99Ms <= 10 && during.lost === 0;
    const inFlight = during.lost - during.timedOut;
    const verdict = `- p99 <= 10 ms and 0 lost during reloads: ${met ? 'met' : 'NOT met'} (p99 ${fixed(during.p99Ms, 2)} ms, max ${fixed(during.maxMs, 1)} ms, lost ${during.lost}` +
      `${inFlight > 0 ? `, of which ${inFlight} were still unanswered when dnsperf was stopped after the last reload` : ''}; prober lost ${probe.lost.length}; baseline p99 ${fixed(baseline.p99Ms, 2)} ms, lost ${baseline.lost})`;
    const intro = [
      `anycastd serve, ${workers} worker(s), \`--zones-debounce-ms ${debounceMs}\`, one directory with two zones: \`${SMALL_ORIGIN}\` (\`gen-zone.mjs ${smallNames}\`) under steady load and \`${ORIGIN}\` (\`gen-zone.mjs ${names}\`, ${fixed(mib(bigText.length / 1024), 1)} MiB of text, ~1.22M records).`,
      `Load: \`${during.args.replace(/-p \d+/, '-p PORT').replace(/-d \S+/, '-d QUERYFILE').replace(/-l \d+/, '-l …')}\` (${thousands(rate)} qps, up to 1000 outstanding, 5 s timeout; latency per query from -v).`,
      `Each reload writes the big zone with serial + 1 to a temp file outside the zones directory and renames it over the old file, then polls the SOA every 20 ms until the new serial is served, then waits ${settleMs} ms. The with-reloads run is stopped after the last one; the baseline then runs for the same length with no reloads.`,
      `A second, timestamped prober (\`lib/udp-prober.mjs\`, its own process) sends one query every ${PROBE_INTERVAL_MS} ms, so slow (> 10 ms) or lost answers can be placed on the reload timeline: during reloads ${lined.where.compiling} while a reload was compiling (rename → new serial served), ${lined.where.afterServed} within ${settleMs} ms after the new serial was served, ${lined.where.elsewhere} elsewhere` +
        `${lined.worst.length ? `; worst: ${lined.worst.map((w) => `${w.ms === null ? 'lost' : `${w.ms} ms`} (${w.rel || w.phase})`).join(', ')}` : ''}.`,
      `Reload time (rename → new serial served, includes the debounce): median ${fixed(median(reloadMs) / 1000, 2)} s, max ${fixed(Math.max(...reloadMs) / 1000, 2)} s; tree RSS after each reload ${reloadRuns.map((r) => fixed(mib(r.rssKiB), 0)).join(', ')} MiB, at the end ${fixed(mib(endMem.rssKiB), 0)} MiB. anycastd warn/error log lines: ${problems.length}${problems.length ? ` (first: ${problems[0].slice(0, 200)})` : ''}.`,
    ].join('\n');
    const report = [
      '# Zone reload under load',
      '',
      `${new Date().toISOString()}; ${machine}.`,
      intro,
      '',
      table,
      '',
      'Target (issue 5): p99 <= 10 ms and 0 lost for the other zone while the big zone reloads.',
      verdict,
      '',
      `Command: \`${command}\``,
      '',
    ].join('\n');
    return { report, intro, table, verdict, figures, met };
  } catch (err) {
    throw new Error(`${err.message}\n${s.server.output.text.slice(-1500)}`);
  } finally {
    await stopChild(child, 5000);
  }
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      reloads: { type: 'string' },
      rate: { type: 'string', default: '5000' },
      workers: { type: 'string', default: '1' },
      names: { type: 'string', default: '1000000' },
    },
  });
  const command = commandLine('zone-reload.mjs');
  const { report } = await zoneReloadBench({
    reloads: Number(opts.reloads ?? (opts.quick ? 2 : 5)), rate: Number(opts.rate), workers: Number(opts.workers), names: Number(opts.names), command,
  });
  console.log(report);
  writeResult('zone-reload.md', report);
}

runIfScript(import.meta.url, main);
