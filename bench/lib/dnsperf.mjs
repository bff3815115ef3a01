// Runs dnsperf against 127.0.0.1 for a bounded time and reads its statistics (and, with -v, per-query latencies).
import { openSync, closeSync, createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { spawnTracked, removeOnExit } from './children.mjs';

/** Percentile of an ascending Float64Array (nearest rank). */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * dnsperf -s 127.0.0.1 -p port -d queryFile -l seconds -c 1 -T 1 -Q maxQps -q outstanding [-v].
 * With perQuery, dnsperf's -v output goes to outFile and the latencies give p50/p99 (dnsperf only prints avg/min/max/stddev).
 */
export async function runDnsperf({ port, queryFile, seconds, maxQps, outstanding = 100, perQuery = false, outFile }) {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds), '-c', '1', '-T', '1', '-Q', String(maxQps), '-q', String(outstanding)];
  if (perQuery) args.push('-v');
  removeOnExit(outFile);
  const fd = openSync(outFile, 'w');
  let stderr = '';
  const child = spawnTracked('dnsperf', args, { stdio: ['ignore', fd, 'pipe'] });
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise((ok) => child.once('exit', ok));
  closeSync(fd);
  if (code !== 0) throw new Error(`dnsperf exited ${code}: ${stderr.slice(-1000)}`);

  const stats = {};
  const latencies = [];
  const lines = createInterface({ input: createReadStream(outFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith('> ')) {
      const sec = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (!Number.isNaN(sec)) latencies.push(sec);
      continue;
    }
    const m = /^\s+([A-Za-z ]+?)(?: \(s\))?:\s+(.*)$/.exec(line);
    if (m) stats[m[1]] = m[2];
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
    rcodes: stats['Response codes'] ?? '',
    packetSizes: stats['Average packet size'] ?? '',
    warnings: stderr.split('\n').filter((l) => /warning|error/i.test(l)).slice(0, 5),
  };
}
