#!/usr/bin/env node
// The anycastd command line: serve, check, and the operator commands.

import { readFileSync } from 'node:fs';
import type { QueryFlags } from './query.js';
import type { GivenOptions } from './serve-options.js';

// `withdraw` is ExecStopPost after a crash, where start-up time is traffic lost: it runs before commander
// (or anything but the routing code) is loaded, with its own small flag parser (bench/withdraw-start.mjs).
if (process.argv[2] === 'withdraw') {
  const { runWithdrawCommand } = await import('../routing/withdraw-command.js');
  // stderr is synchronous for files and pipes on Linux: nothing is lost by exiting here.
  process.exit(await runWithdrawCommand(process.argv.slice(3)));
}
const [{ Command }, { addServeOptions, readServeOptions }] = await Promise.all([import('commander'), import('./serve-options.js')]);

// Each command loads its own code when it runs: `withdraw` in ExecStopPost must start fast, even on a
// busy host (loading everything cost 95-350 ms of the 300 ms the route has to disappear in).
// Not imported from control-client.ts: that would load node:net before every command.
const DEFAULT_CONTROL_SOCKET = process.env.ANYCASTD_CONTROL_SOCKET ?? '/run/anycastd/control.sock';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

// package.json sits two levels up both in a checkout (src/cli, dist/cli) and in the package (/usr/lib/anycastd).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('anycastd').description('Anycast authoritative DNS node').version(version, '-V, --version');

addServeOptions(program.command('serve').description('serve the zones over UDP and TCP'))
  .action(async (cli: GivenOptions & { config?: string }) => {
    const [{ runServe }, { readConfigFile }] = await Promise.all([import('./serve.js'), import('./config-file.js')]);
    await runServe(readServeOptions(cli, cli.config === undefined ? undefined : readConfigFile(cli.config)));
  });

program
  .command('check')
  .description('parse and check zone files; exit 1 with file:line errors')
  .argument('<path>', 'zone file or directory of zone files')
  .action(async (path: string) => {
    const { runCheck } = await import('./check.js');
    process.exitCode = runCheck(path, (l) => console.log(l), (l) => console.error(l));
  });

const socketOption = ['--control-socket <path>', 'the service\'s control socket', DEFAULT_CONTROL_SOCKET] as const;

program
  .command('status')
  .description('state, reason, zones and BIRD status of the running service; with several --http, one row per node')
  .option(...socketOption)
  .option('--http <addr:port>', 'read a node\'s --http address instead (read-only, works remotely; repeatable: a fleet table)', collect, [])
  .option('--json', 'print the raw /status document (or the fleet view)')
  .action(async (o: { controlSocket: string; http: string[]; json?: boolean }) => {
    if (o.http.length > 1) {
      process.exitCode = await (await import('./fleet.js')).runFleetStatus(o.http, o.json ?? false, (l) => console.log(l));
      return;
    }
    const door = o.http.length ? { kind: 'http' as const, addr: o.http[0] } : { kind: 'socket' as const, path: o.controlSocket };
    process.exitCode = await (await import('./ops.js')).runStatus(door, o.json ?? false);
  });

program
  .command('drain')
  .description('withdraw the route and wait until queries stop arriving (exit 0 drained, 3 timed out)')
  .option(...socketOption)
  .option('--timeout <s>', 'give up waiting after this long', '60')
  .option('--max-qps <n>', 'query rate that counts as drained', '1')
  .action(async (o: { controlSocket: string; timeout: string; maxQps: string }) => {
    process.exitCode = await (await import('./ops.js')).runDrain(o.controlSocket, Number(o.timeout) * 1000, Number(o.maxQps));
  });

program
  .command('undrain')
  .description('announce again (after the rise count)')
  .option(...socketOption)
  .action(async (o: { controlSocket: string }) => {
    process.exitCode = await (await import('./ops.js')).runUndrain(o.controlSocket);
  });

program
  .command('reload')
  .description('recompile every zone file now')
  .option(...socketOption)
  .action(async (o: { controlSocket: string }) => {
    process.exitCode = await (await import('./ops.js')).runReload(o.controlSocket);
  });

program
  .command('withdraw')
  .description('set the withdrawn state in BIRD or FRR (systemd ExecStopPost; works with the service dead)')
  .option('--router <bird|frr>', 'routing daemon', 'bird')
  .option('--bird-include <file>', 'the include file serve writes (BIRD)')
  .option('--bird-socket <path>', 'BIRD control socket', '/run/bird/bird.ctl')
  .option('--frr-vtysh <path>', 'vtysh to steer FRR with', 'vtysh')
  .option('--anycast <prefix>', 'prefixes to withdraw (default: those in the include file / bgpd)', collect, undefined)
  .action(async () => {
    // Not reached from the command line (handled above, before commander); kept so `help withdraw` lists the flags.
    const { runWithdrawCommand } = await import('../routing/withdraw-command.js');
    process.exitCode = await runWithdrawCommand(process.argv.slice(process.argv.indexOf('withdraw') + 1));
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
