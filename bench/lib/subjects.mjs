// The servers the qps benches compare, how to start each on a port, and how to tell it is ready and answers alike.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTracked, stopChild, captureOutput, freePort } from './children.mjs';
import { queryOnce, waitForSerial } from './probe.mjs';
import { startKnot, knotInstalled } from './knot.mjs';
import { startNsd, nsdInstalled } from './nsd.mjs';
import { BENCH_DIR, TMP_DIR, ORIGIN, SERIAL } from './zone-cache.mjs';

export const ROOT = join(BENCH_DIR, '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const NATIVE_ADDON = join(ROOT, 'native', 'udp-batch', 'build', 'Release', 'udp_batch.node');

/**
 * anycastd's per-connection TCP query limit in the qps runs. Its default (100,000) closes dnsperf's one pipelined
 * connection after 100,000 answers (and the queries already read); queries sent after the close are lost and dnsperf
 * 2.10 reconnects only after its query timeout, so the run stalls (run.mjs measures this once with the default, see tcpDefaultLimitProbe). A limit well above any run keeps the TCP figure about serving, not about that interaction.
 */
export const BENCH_TCP_MAX_QUERIES = 1_000_000_000;

export const nodeServer = (argsFor) => (port) => {
  const child = spawnTracked(process.execPath, argsFor(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, output: captureOutput(child), stop: () => stopChild(child, 5000) };
};

export function anycastdArgs(port, zoneDir, { workers = 1, http = null, tcpMaxQueries = BENCH_TCP_MAX_QUERIES, extra = [] } = {}) {
  // Default log level (info), as operators run it. tcpMaxQueries null: anycastd's own default.
  // A control socket per instance: the default /run/anycastd/control.sock admits one service per host.
  const args = [CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--zones', zoneDir, '--nsid', 'bench', '--workers', String(workers), '--control-socket', join(tmpdir(), `anycastd-bench-control-${port}.sock`)];
  if (tcpMaxQueries !== null) args.push('--tcp-max-queries', String(tcpMaxQueries));
  if (http) args.push('--http', http);
  return [...args, ...extra];
}

/**
 * Every subject, in report order; those whose binary is missing come back in `skipped` with the reason.
 * Each has: id, label, dns (false for echo), tcp (served over TCP too), start(port) → { child, output, stop }.
 * The first anycastd also gets an HTTP port for the control-plane check (subject.httpPort).
 */
export async function allSubjects(zone, { only } = {}) {
  const baseline = (script, extra = []) => nodeServer((port) => [join(BENCH_DIR, 'servers', script), '--port', String(port), ...extra]);
  const httpPort = await freePort();
  const list = [
    { id: 'echo', label: 'Node dgram echo (ceiling)', dns: false, tcp: false, start: baseline('echo.mjs') },
    {
      id: 'anycastd', label: 'anycastd serve, 1 worker (dgram)', dns: true, tcp: true, httpPort, workers: 1,
      start: nodeServer((port) => anycastdArgs(port, zone.dir, { workers: 1, http: `127.0.0.1:${httpPort}`, extra: ['--udp-io', 'dgram'] })),
    },
    ...(existsSync(NATIVE_ADDON) ? [{
      id: 'anycastd-native', label: 'anycastd serve, 1 worker (native recvmmsg)', dns: true, tcp: false, workers: 1,
      start: nodeServer((port) => anycastdArgs(port, zone.dir, { workers: 1, extra: ['--udp-io', 'native'] })),
    }] : []),
    {
      id: 'anycastd-2w', label: 'anycastd serve, 2 workers', dns: true, tcp: true, workers: 2,
      start: nodeServer((port) => anycastdArgs(port, zone.dir, { workers: 2 })),
    },
    { id: 'naive', label: 'dgram + dns-packet (naive)', dns: true, tcp: false, start: baseline('naive-dns-packet.mjs', ['--zone', zone.file]) },
    { id: 'dns2', label: 'dns2 server', dns: true, tcp: false, start: baseline('dns2.mjs', ['--zone', zone.file]) },
  ];
  const skipped = existsSync(NATIVE_ADDON) ? [] : [{ id: 'anycastd-native', why: 'native UDP addon not built (npm run build:native)' }];
  const knot = knotInstalled();
  if (knot) {
    list.push({
      id: 'knot', label: `${knot.replace(/^knotd \(Knot DNS\), version /, 'Knot ')} (1 UDP worker)`, dns: true, tcp: true,
      start: (port) => startKnot({ workDir: join(TMP_DIR, `knot-qps-${process.pid}`), port, zones: [{ origin: ORIGIN, file: zone.file }] }),
    });
  } else skipped.push({ id: 'knot', why: 'knotd not found (apt-get install knot)' });
  const nsd = nsdInstalled();
  if (nsd) {
    list.push({
      id: 'nsd', label: `${nsd} (server-count 1)`, dns: true, tcp: true,
      start: (port) => startNsd({ workDir: join(TMP_DIR, `nsd-qps-${process.pid}`), port, zones: [{ origin: ORIGIN, file: zone.file }] }),
    });
  } else skipped.push({ id: 'nsd', why: 'nsd not found (apt-get install nsd)' });
  const wanted = only?.split(',');
  return { list: wanted ? list.filter((s) => wanted.includes(s.id)) : list, skipped };
}

/** Starts a subject on a free port and waits until it answers (the zone's SOA serial, or any echo). */
export async function startSubject(s) {
  s.port = await freePort();
  s.server = s.start(s.port);
  const since = process.hrtime.bigint();
  const isDead = () => s.server.child.exitCode !== null || s.server.child.signalCode !== null;
  try {
    if (s.dns) await waitForSerial(s.port, ORIGIN, SERIAL, { since, isDead, timeoutMs: 60000 });
    else {
      for (let i = 0; ; i++) {
        if (await queryOnce(s.port, ORIGIN, 'SOA', 50)) break;
        if (isDead() || i > 1000) throw new Error(`${s.id} exited or never answered`);
      }
    }
  } catch (err) {
    throw new Error(`${s.id} did not start: ${err.message}\n${s.server.output.text.slice(-1500)}`);
  }
  s.startMs = Number(process.hrtime.bigint() - since) / 1e6;
  return s;
}

/** rcode, AA and section counts: enough to see that two servers give the same kind of answer. */
const signature = (res) => (res ? `${res.rcode} aa=${res.flag_aa ? 1 : 0} an=${res.answers.length} ns=${res.authorities.length} ar=${res.additionals.length}` : 'no answer');

/** Sends the first `sample` queries of the list to every DNS subject and compares with Knot (or anycastd). */
export async function crossCheck(list, queryFile, sample = 300) {
  const queries = readFileSync(queryFile, 'utf8').split('\n').filter(Boolean).slice(0, sample).map((l) => l.split(' '));
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

export const isAlive = (s) => s.server.child.exitCode === null && s.server.child.signalCode === null;

/** anycastd's warn/error/fatal log lines (pino levels 40/50/60) so far. */
export const problemLines = (s) => s.server.output.text.split('\n').filter((l) => /"level":(40|50|60)/.test(l));
