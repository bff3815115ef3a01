#!/usr/bin/env node
// The anycastd command line: serve, check, and the operator commands.

import { Command } from 'commander';
import type { QueryFlags } from './query.js';
import type { ServeFlags } from './serve-config.js';

// Each command loads its own code when it runs: `withdraw` in ExecStopPost must start fast, even on a
// busy host (loading everything cost 95-350 ms of the 300 ms the route has to disappear in).
const DEFAULT_HTTP = process.env.ANYCASTD_HTTP ?? '127.0.0.1:8053';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const program = new Command('anycastd').description('Anycast authoritative DNS node');

program
  .command('serve')
  .description('serve the zones over UDP and TCP')
  .option('--listen <addr:port>', 'address to answer on (repeatable; IPv6 as [::1]:53)', collect, [])
  .option('--zones <dir>', 'directory of zone files, one zone per file', './zones')
  .option('--nsid <text>', 'NSID (RFC 5001) and id.server answer; default: host name')
  .option('--identity <text>', 'answer for CHAOS id.server/hostname.bind (default: the NSID)')
  .option('--server-version <text>', 'answer for CHAOS version.bind/version.server')
  .option('--hide-identity', 'REFUSE id.server/hostname.bind')
  .option('--hide-version', 'REFUSE version.bind/version.server')
  .option('--max-udp-size <octets>', 'largest UDP response and the EDNS size advertised', '1232')
  .option('--tcp-idle-ms <ms>', 'close TCP connections idle this long', '10000')
  .option('--tcp-max-connections <n>', 'concurrent TCP connections', '1000')
  .option('--tcp-max-queries <n>', 'queries answered per TCP connection before closing it', '100000')
  .option('--zones-rescan-ms <ms>', 'rescan the zones directory this often, besides watching it', '5000')
  .option('--zones-debounce-ms <ms>', 'wait this long after the last change before reloading', '200')
  .option('--zone-delete-grace-ms <ms>', 'keep serving a deleted zone file\'s zone this long', '30000')
  .option('--allow-serial-rollback', 'accept a zone whose SOA serial went backwards')
  .option('--zones-cache <dir>', 'keep a last-good copy of each zone here; a file that does not load at start is served from it')
  .option('--zone-origin <file=origin>', 'origin for a zone file not named after its zone (repeatable)', collect, [])
  .option('--anycast <prefix>', 'anycast prefix to announce, e.g. 192.0.2.1/32 (repeatable)', collect, [])
  .option('--bird-include <file>', 'BIRD include file to write (enables announcing)')
  .option('--bird-socket <path>', 'BIRD control socket', '/run/bird/bird.ctl')
  .option('--http <addr:port>', 'serve /metrics, /status, /healthz (and drain/undrain) here')
  .option('--check-interval <ms>', 'self-check interval', '1000')
  .option('--rise <n>', 'good rounds before announcing', '2')
  .option('--fall <n>', 'failed rounds before withdrawing', '2')
  .option('--hold-down <ms>', 'minimum time before re-announcing after a change', '5000')
  .option('--max-lag-ms <ms>', 'event-loop lag p99 that counts as overload', '250')
  .option('--max-elu <ratio>', 'event-loop utilisation that counts as overload (0..1)')
  .option('--capacity-qps <n>', 'query rate that counts as overload')
  .option('--max-rss-mb <n>', 'memory that counts as overload')
  .option('--prepend <n>', 'AS-path prepends when overloaded (de-preferred)', '3')
  .option('--med <n>', 'MED to set when overloaded')
  .option('--maintenance-file <path>', 'drain while this file exists')
  .option('--drain-ms <ms>', 'keep answering this long after withdrawing on SIGTERM', '5000')
  .option('--workers <n>', 'data-path workers (threads on Node >= 22.12, else processes)', '1')
  .option('--worker-mode <mode>', 'auto | threads (one process, shared zones; Node >= 22.12) | processes (cluster, a zone copy each)', 'auto')
  .option('--debug-endpoints', 'expose /debug/block and /debug/load (tests only)')
  .option('--config <file>', 'JSON file with the same keys (camelCase); flags win')
  .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
  .action(async (_flags: ServeFlags, cmd: Command) => {
    const [{ runServe }, { applyConfigFile }] = await Promise.all([import('./serve.js'), import('./config-file.js')]);
    await runServe(applyConfigFile(cmd) as unknown as ServeFlags);
  });

program
  .command('check')
  .description('parse and check zone files; exit 1 with file:line errors')
  .argument('<path>', 'zone file or directory of zone files')
  .action(async (path: string) => {
    const { runCheck } = await import('./check.js');
    process.exitCode = runCheck(path, (l) => console.log(l), (l) => console.error(l));
  });

const httpOption = ['--http <addr:port>', 'the service\'s --http address', DEFAULT_HTTP] as const;

program
  .command('status')
  .description('state, reason, zones and BIRD status of the running service')
  .option(...httpOption)
  .option('--json', 'print the raw /status document')
  .action(async (o: { http: string; json?: boolean }) => {
    process.exitCode = await (await import('./ops.js')).runStatus(o.http, o.json ?? false);
  });

program
  .command('drain')
  .description('withdraw the route and wait until queries stop arriving')
  .option(...httpOption)
  .option('--timeout <s>', 'give up waiting after this long', '60')
  .option('--max-qps <n>', 'query rate that counts as drained', '1')
  .action(async (o: { http: string; timeout: string; maxQps: string }) => {
    process.exitCode = await (await import('./ops.js')).runDrain(o.http, Number(o.timeout) * 1000, Number(o.maxQps));
  });

program
  .command('undrain')
  .description('announce again (after the rise count)')
  .option(...httpOption)
  .action(async (o: { http: string }) => {
    process.exitCode = await (await import('./ops.js')).runUndrain(o.http);
  });

program
  .command('reload')
  .description('recompile every zone file now')
  .option(...httpOption)
  .action(async (o: { http: string }) => {
    process.exitCode = await (await import('./ops.js')).runReload(o.http);
  });

program
  .command('withdraw')
  .description('write the include file as withdrawn and reload BIRD (systemd ExecStopPost; works with the service dead)')
  .requiredOption('--bird-include <file>', 'the include file serve writes')
  .option('--bird-socket <path>', 'BIRD control socket', '/run/bird/bird.ctl')
  .option('--anycast <prefix>', 'prefixes to keep defined (default: those in the current file)', collect, undefined)
  .action(async (o: { birdInclude: string; birdSocket: string; anycast?: string[] }) => {
    const { runWithdraw } = await import('../bird/withdraw.js');
    process.exitCode = await runWithdraw({ birdInclude: o.birdInclude, birdSocket: o.birdSocket, anycast: o.anycast, reason: 'anycastd withdraw (service stopped)' });
  });

program
  .command('query')
  .description('ask a DNS server one question and print the answer (dig-like)')
  .argument('<name>')
  .argument('[type]', 'record type', 'A')
  .requiredOption('--server <addr:port>', 'server to ask, e.g. 127.0.0.1:5353')
  .option('--tcp', 'over TCP')
  .option('--nsid', 'ask for the server\'s NSID (RFC 5001)')
  .option('--dnssec', 'set the DO bit')
  .option('--norec', 'clear RD')
  .option('--class <class>', 'query class', 'IN')
  .option('--timeout <s>', 'seconds to wait', '2')
  .action(async (name: string, type: string, o: QueryFlags) => {
    process.exitCode = await (await import('./query.js')).runQuery(name, type, o, (l) => console.log(l));
  });

program.parseAsync().catch((err: Error) => {
  console.error(`anycastd: ${err.message}`);
  process.exit(1);
});
