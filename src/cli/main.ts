#!/usr/bin/env node
// The anycastd command line: serve, check.

import { Command } from 'commander';
import { runCheck } from './check.js';
import { runServe, type ServeFlags } from './serve.js';

const collect = (value: string, previous: string[]) => [...previous, value];

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
  .option('--tcp-max-queries <n>', 'queries answered per TCP connection before closing it', '10000')
  .option('--zones-rescan-ms <ms>', 'rescan the zones directory this often, besides watching it', '5000')
  .option('--zones-debounce-ms <ms>', 'wait this long after the last change before reloading', '200')
  .option('--zone-delete-grace-ms <ms>', 'keep serving a deleted zone file\'s zone this long', '30000')
  .option('--allow-serial-rollback', 'accept a zone whose SOA serial went backwards')
  .option('--zone-origin <file=origin>', 'origin for a zone file not named after its zone (repeatable)', collect, [])
  .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
  .action(async (flags: ServeFlags) => {
    await runServe(flags);
  });

program
  .command('check')
  .description('parse and check zone files; exit 1 with file:line errors')
  .argument('<path>', 'zone file or directory of zone files')
  .action((path: string) => {
    process.exitCode = runCheck(path, (l) => console.log(l), (l) => console.error(l));
  });

program.parseAsync().catch((err: Error) => {
  console.error(`anycastd: ${err.message}`);
  process.exit(1);
});
