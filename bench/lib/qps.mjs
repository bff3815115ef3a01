// The qps measurement shared by run.mjs and udp-qps.mjs: dnsperf rounds over a set of running subjects, with the
// server's CPU and memory read from /proc for its whole process tree (cluster primary + workers, NSD's children).
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { runDnsperf } from './dnsperf.mjs';
import { treeCpuMicros, treeMemory, machineTicks, mib } from './procfs.mjs';
import { isAlive, nodeServer, anycastdArgs, startSubject } from './subjects.mjs';
import { TMP_DIR } from './zone-cache.mjs';
import { fixed, thousands, median } from './table.mjs';

/**
 * Runs `rounds` rounds over `list` in `mode` ('udp' or 'tcp'), rotating the order each round so slow drift in the
 * machine's other load does not favour one subject. Results land in s.runs[mode] (one entry per round).
 */
export async function qpsRounds(list, { mode = 'udp', seconds, warmup, rounds, queryFile, maxQps = 300000, outstanding = 100, perQuery = true, log = console.error }) {
  for (const s of list) (s.runs ??= {})[mode] = [];
  for (let r = 0; r < rounds; r++) {
    const order = list.map((_, i) => list[(i + r) % list.length]);
    for (const s of order) {
      const base = { port: s.port, queryFile, maxQps, outstanding, mode, outFile: join(TMP_DIR, `dnsperf-${process.pid}.out`) };
      if (warmup > 0) await runDnsperf({ ...base, seconds: warmup });
      const run = await measured(s, () => runDnsperf({ ...base, seconds, perQuery }));
      s.runs[mode].push(run);
      log(`${mode} round ${r + 1} ${s.id}: ${thousands(run.qps)} qps, lost ${run.lost}, p50 ${fixed(run.p50Ms, 2)} ms, p99 ${fixed(run.p99Ms, 2)} ms, ` +
        `${fixed(run.cpuPerQueryUs, 1)} µs CPU/query over ${run.processes} process(es), ${fixed(run.serverCores, 2)} server cores, RSS ${fixed(mib(run.rssKiB), 0)} MiB${run.alive ? '' : ', SERVER DIED'}`);
      if (!run.alive) throw new Error(`${s.id} died during the ${mode} load:\n${s.server.output.text.slice(-2000)}`);
    }
  }
}

/**
 * Runs `load` (a dnsperf run) and adds the subject's figures over it: CPU µs per completed query and cores used
 * (whole process tree), how busy the whole machine was, and the tree's memory at the end.
 */
export async function measured(s, load) {
  const pid = s.server.child.pid;
  const cpu0 = treeCpuMicros(pid);
  const m0 = machineTicks();
  const t0 = process.hrtime.bigint();
  const res = await load();
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpu1 = treeCpuMicros(pid);
  const m1 = machineTicks();
  const mem = treeMemory(pid) ?? {};
  const cpuUs = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : NaN;
  return {
    ...res,
    cpuUs,
    cpuPerQueryUs: cpuUs / res.completed,
    serverCores: cpuUs / wallUs,
    machineCores: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * availableParallelism(),
    alive: isAlive(s),
    ...mem,
  };
}

/** Median of one figure over a subject's runs in a mode. */
export const med = (s, mode, key) => median((s.runs?.[mode] ?? []).map((x) => x[key]));

/** Median of the per-round ratios a/b of one figure: rounds are paired, so slow drift cancels out. */
export function pairedRatio(a, b, mode, key = 'qps', modeB = mode) {
  const ra = a?.runs?.[mode] ?? [];
  const rb = b?.runs?.[modeB] ?? [];
  const per = ra.map((run, i) => (rb[i] ? run[key] / rb[i][key] : NaN)).filter((x) => Number.isFinite(x));
  return { median: median(per), per };
}

/**
 * One TCP run against an anycastd started with its default per-connection query limit, to show (not assume) how
 * dnsperf's single pipelined connection fares when the server closes it after that many answers.
 */
export async function tcpDefaultLimitProbe(zone, { seconds, queryFile, outstanding = 100 }) {
  const s = { id: 'anycastd-default-tcp', dns: true, start: nodeServer((port) => anycastdArgs(port, zone.dir, { tcpMaxQueries: null })) };
  await startSubject(s);
  try {
    return await measured(s, () => runDnsperf({ port: s.port, queryFile, seconds, maxQps: 300000, outstanding, mode: 'tcp', timeoutS: 1, outFile: join(TMP_DIR, `dnsperf-tcpdef-${process.pid}.out`) }));
  } finally {
    await s.server.stop();
  }
}
