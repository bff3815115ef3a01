// The control plane under DNS load: autocannon against anycastd's /metrics and /status, alone and while dnsperf
// saturates the data path, with the DNS qps of the same windows. Shows whether monitoring stays usable under load.
import { join } from 'node:path';
import autocannon from 'autocannon';
import { runDnsperf } from './dnsperf.mjs';
import { measured } from './qps.mjs';
import { TMP_DIR } from './zone-cache.mjs';
import { fixed, thousands } from './table.mjs';

/** HTTP request rate of the "monitoring" phase: a busy Prometheus plus dashboards, far below flat out. */
export const MONITORING_RATE = 50;

/**
 * One bounded autocannon run against 127.0.0.1: req/s, latency percentiles (autocannon reports whole ms), errors
 * and non-2xx replies. rate: total requests/s cap (autocannon's overallRate), or flat out when absent.
 */
export async function hitHttp(port, path, seconds, connections, rate) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, duration: seconds, timeout: 5, ...(rate ? { overallRate: rate } : {}) });
  const total = result.requests.total ?? 0;
  return {
    path,
    reqPerSec: total / Math.max(seconds, 1e-3),
    total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: (result.errors ?? 0) + (result.timeouts ?? 0),
    non2xx: result.non2xx ?? 0,
    bytesPerReq: total ? (result.throughput.total ?? 0) / total : NaN,
  };
}

/**
 * Phases, each `seconds` long: DNS load alone; then for /metrics and /status: HTTP flat out alone (the reference),
 * HTTP flat out while the same DNS load runs (worst case: both fight for the 2 cores), and HTTP at a monitoring
 * rate while the DNS load runs (what a node sees in production). s is a started anycastd subject with s.httpPort.
 */
export async function httpSide(s, { seconds, queryFile, connections = 4, maxQps = 300000, log = console.error }) {
  const dns = (tag) => measured(s, () => runDnsperf({ port: s.port, queryFile, seconds, maxQps, outstanding: 100, perQuery: true, outFile: join(TMP_DIR, `dnsperf-http-${tag}-${process.pid}.out`) }));
  const out = { dnsAlone: await dns('alone'), paths: [] };
  log(`http: DNS alone ${thousands(out.dnsAlone.qps)} qps`);
  for (const path of ['/metrics', '/status']) {
    const idle = await hitHttp(s.httpPort, path, seconds, connections);
    const [dnsRun, loaded] = await Promise.all([dns(path.slice(1)), hitHttp(s.httpPort, path, seconds, connections)]);
    const [dnsMon, monitored] = await Promise.all([dns(`${path.slice(1)}-mon`), hitHttp(s.httpPort, path, seconds, 1, MONITORING_RATE)]);
    out.paths.push({ path, idle, loaded, dns: dnsRun, monitored, dnsMonitored: dnsMon });
    log(`http ${path}: alone ${thousands(idle.reqPerSec)} req/s p99 ${fixed(idle.p99Ms, 1)} ms; flat out under DNS load ${thousands(loaded.reqPerSec)} req/s p99 ${fixed(loaded.p99Ms, 1)} ms, DNS ${thousands(dnsRun.qps)} qps; ` +
      `${MONITORING_RATE} req/s under DNS load p99 ${fixed(monitored.p99Ms, 1)} ms, DNS ${thousands(dnsMon.qps)} qps`);
  }
  // DNS alone again at the end: the machine is shared, so the reference is bracketed, not taken once.
  out.dnsAloneAfter = await dns('alone-after');
  log(`http: DNS alone again ${thousands(out.dnsAloneAfter.qps)} qps`);
  return out;
}
