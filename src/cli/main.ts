#!/usr/bin/env node
// The anycastd command line: serve, check, and the operator commands.

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { QueryFlags } from './query.js';
import { addServeOptions, type GivenOptions, readServeOptions } from './serve-options.js';

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
