// Runs dnsperf against 127.0.0.1 for a bounded time and reads its statistics (and, with -v, per-query latencies).
import { openSync, closeSync, createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { execFileSync } from 'node:child_process';
import { spawnTracked, removeOnExit } from './children.mjs';

/** dnsperf's version line, or null when it is not installed. */
export function dnsperfInstalled() {
  try {
    const out = execFileSync('dnsperf', ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /Version ([\d.]+)/.exec(out)?.[0] ?? 'dnsperf';
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    return /Version ([\d.]+)/.exec(`${err.stdout ?? ''}${err.stderr ?? ''}`)?.[0] ?? 'dnsperf';
  }
}

/** Percentile of an ascending Float64Array (nearest rank). */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Index of the first element >= x in an ascending array. */
function lowerBound(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * dnsperf -s 127.0.0.1 -p port -d queryFile -l seconds -c 1 -T 1 -Q maxQps -q outstanding [-m tcp] [-v].
 * One client: over TCP that is one connection with up to `outstanding` queries pipelined on it.
 * With perQuery, dnsperf's -v output goes to outFile and the latencies give p50/p99 (dnsperf only prints avg/min/max/stddev).
 * An AbortSignal ends the run early (SIGINT: dnsperf stops sending and still prints its statistics).
 */
export async function runDnsperf({ port, queryFile, seconds, maxQps, outstanding = 100, perQuery = false, outFile, mode = 'udp', timeoutS, signal, clients = 1, extraArgs = [] }) {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds), '-c', String(clients), '-T', '1', '-Q', String(maxQps), '-q', String(outstanding), ...extraArgs];
  if (mode !== 'udp') args.push('-m', mode);
  if (timeoutS) args.push('-t', String(timeoutS));
  if (perQuery) args.push('-v');
  removeOnExit(outFile);
  const fd = openSync(outFile, 'w');
  let stderr = '';
  const child = spawnTracked('dnsperf', args, { stdio: ['ignore', fd, 'pipe'] });
  child.stderr.on('data', (c) => (stderr += c));
  const stop = () => child.kill('SIGINT');
  signal?.addEventListener('abort', stop, { once: true });
  const code = await new Promise((ok) => child.once('exit', ok));
  signal?.removeEventListener('abort', stop);
  closeSync(fd);
  if (code !== 0) throw new Error(`dnsperf exited ${code}: ${stderr.slice(-1000)}`);

  const stats = {};
  const latencies = [];
  let section = 'queries'; // the TCP run's "Connection Statistics" repeats "Average Latency" for the handshakes
  const lines = createInterface({ input: createReadStream(outFile), crlfDelay: Infinity });
  let timeouts = 0;
  for await (const line of lines) {
    if (line.includes('Query timed out')) {
      timeouts++;
      continue;
    }
    if (line.startsWith('> ')) {
      const sec = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (!Number.isNaN(sec)) latencies.push(sec);
      continue;
    }
    if (line.startsWith('Connection Statistics')) section = 'connections';
    const m = /^\s+([A-Za-z ]+?)(?: \(s\))?:\s+(.*)$/.exec(line);
    if (m) stats[section === 'queries' || m[1] === 'Reconnections' ? m[1] : `connection ${m[1]}`] = m[2];
  }
  rmSync(outFile, { force: true });
  const num = (key, re = /^([\d.]+)/) => Number(re.exec(stats[key] ?? '')?.[1] ?? NaN);
  const sorted = Float64Array.from(latencies).sort();
  return {
    args: `dnsperf ${args.join(' ')}`,
    sent: num('Queries sent'),
    completed: num('Queries completed'),
    lost: num('Queries lost'),
    qps: num('Queries per second'),
    runSeconds: num('Run time'),
    avgLatencyMs: num('Average Latency') * 1000,
    maxLatencyMs: num('Average Latency', /max ([\d.]+)/) * 1000,
    stddevMs: num('Latency StdDev') * 1000,
    p50Ms: percentile(sorted, 50) * 1000,
    p99Ms: percentile(sorted, 99) * 1000,
    p999Ms: percentile(sorted, 99.9) * 1000,
    over10Ms: sorted.length - lowerBound(sorted, 0.010000001),
    measuredLatencies: sorted.length,
    maxMs: sorted.length ? sorted[sorted.length - 1] * 1000 : NaN,
    reconnections: num('Reconnections'),
    // Queries dnsperf gave up on after -t seconds; lost - timedOut were still outstanding when the run ended.
    timedOut: timeouts + (stderr.match(/Query timed out/g)?.length ?? 0),
    rcodes: stats['Response codes'] ?? '',
    packetSizes: stats['Average packet size'] ?? '',
    warnings: stderr.split('\n').filter((l) => /warning|error/i.test(l)).slice(0, 5),
  };
}
