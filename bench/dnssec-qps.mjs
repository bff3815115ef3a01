// Signed-zone bench: qps and CPU/query of anycastd serving an NSEC3-signed copy of the bench zone to DO queries,
// against the same anycastd on the unsigned zone and Knot on the signed one, in one run; then (with --compile)
// compile time and peak RSS of the signed zone in anycastd's compiler against Knot's load.
// Usage: flock /tmp/anycastd-bench.lock node bench/dnssec-qps.mjs [--names N] [--seconds S] [--rounds R] [--compile]
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installCleanup, killAll } from './lib/children.mjs';
import { cachedZone, TMP_DIR, ORIGIN } from './lib/zone-cache.mjs';
import { writeQueryFile } from './lib/queries.mjs';
import { runDnsperf } from './lib/dnsperf.mjs';
import { measured } from './lib/qps.mjs';
import { nodeServer, anycastdArgs, startSubject, CLI } from './lib/subjects.mjs';
import { startKnot, knotInstalled } from './lib/knot.mjs';
import { fixed, thousands, median } from './lib/table.mjs';
import { mib } from './lib/procfs.mjs';
import { machineLine } from './lib/table.mjs';
import { timeToSerial, startAnycastd as startAnycastdLoad, startKnotLoad } from './zone-load.mjs';

const { values: opts } = parseArgs({
  options: {
    names: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    compile: { type: 'boolean', default: false },
    'compile-only': { type: 'boolean', default: false },
  },
});
const log = (m) => console.error(m);

/** Signs the bench zone once per size with NSEC3 (salt, 0 iterations), keys made for the purpose. */
function signedZone(names) {
  const plain = cachedZone(names);
  const dir = join(TMP_DIR, `zone-${names}-nsec3`);
  const file = join(dir, `${ORIGIN}zone`);
  if (existsSync(file)) return { dir, file, plain };
  const keys = join(TMP_DIR, `keys-${names}`);
  mkdirSync(keys, { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const extra of [['-f', 'KSK'], []]) execFileSync('dnssec-keygen', ['-q', '-K', keys, '-a', 'ECDSAP256SHA256', ...extra, ORIGIN]);
  const t0 = Date.now();
  const partial = join(TMP_DIR, `.signed-${names}.partial`);
  execFileSync('dnssec-signzone', ['-q', '-S', '-K', keys, '-o', ORIGIN, '-3', 'aabbccdd', '-H', '0', '-f', partial, plain.file], { stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(partial, file);
  log(`signed ${names} names with dnssec-signzone in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, file, plain };
}

async function qps(subjects, queryFile, seconds, rounds) {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[(i + r) % subjects.length];
      const base = { port: s.port, queryFile, maxQps: 300000, outstanding: 100, outFile: join(TMP_DIR, `dnsperf-dnssec-${process.pid}.out`), extraArgs: s.do ? ['-D'] : [] };
      await runDnsperf({ ...base, seconds: 0.5 });
      const run = await measured(s, () => runDnsperf({ ...base, seconds }));
      (s.runs ??= []).push(run);
      log(`round ${r + 1} ${s.id}: ${thousands(run.qps)} qps, ${fixed(run.cpuPerQueryUs, 1)} µs CPU/query, lost ${run.lost}`);
    }
  }
}

/** Spawn until the SOA answers, with peak RSS (VmHWM over the process tree): anycastd serve against knotd, same signed file. */
async function compileFigures(zone, runs = 2) {
  const ours = [];
  const knot = [];
  for (let r = 0; r < runs; r++) {
    ours.push(await timeToSerial(startAnycastdLoad(zone.dir)));
    log(`load run ${r + 1}: anycastd ${fixed(ours.at(-1).ms / 1000, 2)} s, ${fixed(mib(ours.at(-1).hwmKiB), 0)} MiB`);
    if (knotInstalled()) {
      knot.push(await timeToSerial(startKnotLoad(zone.file, false)));
      log(`load run ${r + 1}: knotd ${fixed(knot.at(-1).ms / 1000, 2)} s, ${fixed(mib(knot.at(-1).hwmKiB), 0)} MiB`);
    }
  }
  const fig = (list) => ({ secs: median(list.map((x) => x.ms)) / 1000, rssMiB: mib(median(list.map((x) => x.hwmKiB))) });
  return { ours: fig(ours), knot: knot.length ? fig(knot) : { secs: NaN, rssMiB: NaN } };
}

async function main() {
  installCleanup();
  const names = Number(opts.names);
  const zone = signedZone(names);
  const lines = [`# Signed zone bench (${names} names, NSEC3 salt aabbccdd, 0 iterations)`, '', await machineLine(), ''];
  if (!opts['compile-only']) lines.push(...(await qpsPart(zone, names)));
  if (opts.compile || opts['compile-only']) {
    const c = await compileFigures(zone);
    lines.push('', '| load of the signed zone (spawn → answers SOA) | seconds | peak RSS MiB |', '| --- | ---: | ---: |',
      `| anycastd serve (compiled in a worker thread) | ${fixed(c.ours.secs, 2)} | ${fixed(c.ours.rssMiB, 0)} |`, `| knotd | ${fixed(c.knot.secs, 2)} | ${fixed(c.knot.rssMiB, 0)} |`);
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(join(TMP_DIR, `dnssec-${names}.md`), text);
  console.log(text);
}

/** Both anycastd subjects run at once, so each gets its own control socket. */
const controlSocket = (id) => ['--control-socket', join(TMP_DIR, `control-${id}-${process.pid}.sock`)];

async function qpsPart(zone, names) {
  const queryFile = join(TMP_DIR, `queries-dnssec-${names}.txt`);
  writeQueryFile(zone.plain.file, queryFile);
  const subjects = [
    { id: 'anycastd-unsigned', label: 'anycastd, unsigned zone, no DO', dns: true, do: false, start: nodeServer((p) => anycastdArgs(p, zone.plain.dir, { extra: controlSocket('unsigned') })) },
    { id: 'anycastd-nsec3', label: 'anycastd, NSEC3 zone, DO', dns: true, do: true, start: nodeServer((p) => anycastdArgs(p, zone.dir, { extra: controlSocket('nsec3') })) },
  ];
  if (knotInstalled()) subjects.push({ id: 'knot-nsec3', label: 'Knot, NSEC3 zone, DO', dns: true, do: true, start: (port) => startKnot({ workDir: join(TMP_DIR, `knot-dnssec-${process.pid}`), port, zones: [{ origin: ORIGIN, file: zone.file }] }) });
  for (const s of subjects) await startSubject(s);
  await qps(subjects, queryFile, Number(opts.seconds), Number(opts.rounds));
  for (const s of subjects) await s.server.stop();
  const q = (s) => median(s.runs.map((r) => r.qps));
  const cpu = (s) => median(s.runs.map((r) => r.cpuPerQueryUs));
  const lines = [`${opts.rounds} rounds of ${opts.seconds} s, order rotated each round; medians.`, '',
    '| server | qps (median) | CPU µs/query | qps vs unsigned |', '| --- | ---: | ---: | ---: |'];
  for (const s of subjects) lines.push(`| ${s.label} | ${thousands(q(s))} | ${fixed(cpu(s), 1)} | ${fixed(q(s) / q(subjects[0]), 2)} |`);
  return lines;
}

main().catch(async (err) => {
  console.error(err);
  await killAll();
  process.exit(1);
});
