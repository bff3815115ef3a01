// Every `anycastd serve` option written once: flag, help, default and validation. commander and --config both read this table.

import type { Command } from 'commander';
import { type ListenAddress, parseListen } from '../transport/address.js';
import { parsePrefix } from '../bird/prefix.js';
import { MAX_PREPEND } from '../bird/include-file.js';
import { DEFAULT_MAX_ELU } from '../health/overload.js';
import { MAX_RRL_RATE } from '../abuse/rrl-table.js';
import { cookieSecret, exemptPrefix } from '../abuse/abuse-config.js';
// Not from log.js: that loads pino, and every command (withdraw in ExecStopPost too) reads this table.
import { LOG_FORMATS } from '../lib/log-format.js';
import { ROUTER_KINDS } from '../routing/controller.js';
import { UDP_IO_CHOICES } from '../transport/udp-io.js';
import { type AllowPrefix, parseAllowPrefix } from '../control/http-allow.js';

/**
 * One option. Add a flag by adding one entry to SERVE_OPTIONS with one of the builders below:
 *   switch_('--x', help)                               boolean; `true`/`false` in the config file
 *   one('--x <v>', help, text, { example, default? })  one value; a JSON string (or number, for numeric parsers)
 *   many('--x <v>', help, text, { example, default? }) repeatable; a JSON array in the config file
 * The value's type is what the parser returns (`undefined` when there is no default and it is not given).
 */
export interface ServeOption<T> {
  readonly flags: string;
  readonly help: string;
  readonly shape: 'switch' | 'one' | 'many';
  /** The default as a user would type it: shown in --help and parsed like a given value. */
  readonly defaultText?: string | readonly string[];
  /** A value the config file accepts for this key (its JSON form); the table's test uses it. */
  readonly example: unknown;
  /** Reads a value given on the command line or in the config file; `label` names where it came from. */
  readonly read: (given: unknown, label: string) => T;
}

/** A parser's complaint, said after the option's name: "--rise must be an integer >= 1, got "0"". */
export class OptionValueError extends Error {}

/** Text of one occurrence to its value; throws OptionValueError (or any Error, quoted after a colon). */
export interface Parser<T> {
  (text: string): T;
  /** Numeric parsers also take JSON numbers in the config file. */
  numeric?: boolean;
}

// Parsers ---------------------------------------------------------------------------------------

export const text: Parser<string> = (s) => s;

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  const parse: Parser<number> = (s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < min) throw new OptionValueError(`must be an integer >= ${min}, got "${s}"`);
    if (n > max) throw new OptionValueError(`must be at most ${max}, got ${n}`);
    return n;
  };
  parse.numeric = true;
  return parse;
}

export const positive: Parser<number> = Object.assign((s: string) => {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n <= 0) throw new OptionValueError(`must be a positive number, got "${s}"`);
  return n;
}, { numeric: true });

export const ratio: Parser<number> = Object.assign((s: string) => {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) throw new OptionValueError(`must be a ratio in (0, 1], got "${s}"`);
  return n;
}, { numeric: true });

export const listenAddress: Parser<ListenAddress> = parseListen;

/** One word out of a fixed list, e.g. `--log-format json|pretty`. */
export function oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
  return (s) => {
    if (!(choices as readonly string[]).includes(s)) throw new OptionValueError(`must be one of ${choices.join(', ')}, got "${s}"`);
    return s as T;
  };
}

/** Canonical CIDR text; checked at start, since a bad prefix would fail every include write. */
export const anycastPrefix: Parser<string> = (s) => parsePrefix(s).cidr;

/** An IPv4/IPv6 prefix (or one address) for --http-allow. */
export const allowPrefix: Parser<AllowPrefix> = (s) => {
  try {
    return parseAllowPrefix(s);
  } catch (err) {
    throw new OptionValueError((err as Error).message);
  }
};

/** "db.example=example.com.": a file name and the origin of the zone in it. */
export const fileOrigin: Parser<readonly [string, string]> = (s) => {
  const m = /^([^=]+)=(.+\.)$/.exec(s);
  if (!m) throw new OptionValueError(`expects FILE=ORIGIN. (absolute origin), got "${s}"`);
  return [m[1], m[2]];
};

// Builders --------------------------------------------------------------------------------------

function parseWith<T>(parse: Parser<T>, given: unknown, label: string): T {
  const ok = typeof given === 'string' || (parse.numeric === true && typeof given === 'number');
  if (!ok) throw new Error(`${label} must be ${parse.numeric ? 'a number' : 'a string'}, got ${JSON.stringify(given)}`);
  try {
    return parse(String(given));
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(err instanceof OptionValueError ? `${label} ${message}` : `${label}: ${message}`);
  }
}

function switch_(flags: string, help: string): ServeOption<boolean> {
  return {
    flags, help, shape: 'switch', example: true,
    read(given, label) {
      if (given === undefined) return false;
      // "false" as a string must not switch a flag on.
      if (typeof given !== 'boolean') throw new Error(`${label} must be true or false`);
      return given;
    },
  };
}

interface OneSpec { example: string | number; default?: string }
function one<T>(flags: string, help: string, parse: Parser<T>, spec: OneSpec & { default: string }): ServeOption<T>;
function one<T>(flags: string, help: string, parse: Parser<T>, spec: OneSpec): ServeOption<T | undefined>;
function one<T>(flags: string, help: string, parse: Parser<T>, spec: OneSpec): ServeOption<T | undefined> {
  return {
    flags, help, shape: 'one', example: spec.example, defaultText: spec.default,
    read(given, label) {
      if (given !== undefined) return parseWith(parse, given, label);
      return spec.default === undefined ? undefined : parseWith(parse, spec.default, `${label} (default)`);
    },
  };
}

function many<T>(flags: string, help: string, parse: Parser<T>, spec: { example: string[]; default?: string[] }): ServeOption<T[]> {
  return {
    flags, help, shape: 'many', example: spec.example, defaultText: spec.default,
    read(given, label) {
      // An empty list given on purpose still means "the default": the flag cannot be given zero times.
      const list = given === undefined || (Array.isArray(given) && given.length === 0) ? spec.default ?? [] : given;
      // A single value in the config file stands for a list of one.
      const items = Array.isArray(list) ? list : [list];
      return items.map((item) => parseWith(parse, item, label));
    },
  };
}

// The table -------------------------------------------------------------------------------------

export const SERVE_OPTIONS = {
  listen: many('--listen <addr:port>', 'address to answer on (repeatable; IPv6 as [::1]:53)', listenAddress, { example: ['127.0.0.1:53'], default: ['127.0.0.1:5353'] }),
  zones: one('--zones <dir>', 'directory of zone files, one zone per file', text, { example: '/etc/anycastd/zones', default: './zones' }),
  nsid: one('--nsid <text>', 'NSID (RFC 5001) and id.server answer; default: host name', text, { example: 'node1' }),
  identity: one('--identity <text>', 'answer for CHAOS id.server/hostname.bind (default: the NSID)', text, { example: 'node1.example' }),
  serverVersion: one('--server-version <text>', 'answer for CHAOS version.bind/version.server', text, { example: 'dns' }),
  hideIdentity: switch_('--hide-identity', 'REFUSE id.server/hostname.bind'),
  hideVersion: switch_('--hide-version', 'REFUSE version.bind/version.server'),
  maxUdpSize: one('--max-udp-size <octets>', 'largest UDP response and the EDNS size advertised', integer(512), { example: 1400, default: '1232' }),
  tcpIdleMs: one('--tcp-idle-ms <ms>', 'close TCP connections idle this long', integer(1), { example: 5000, default: '10000' }),
  tcpMaxConnections: one('--tcp-max-connections <n>', 'concurrent TCP connections', integer(1), { example: 500, default: '1000' }),
  tcpMaxQueries: one('--tcp-max-queries <n>', 'queries answered per TCP connection before closing it', integer(1), { example: 1000, default: '100000' }),
  zonesRescanMs: one('--zones-rescan-ms <ms>', 'rescan the zones directory this often, besides watching it', integer(1), { example: 10000, default: '5000' }),
  zonesDebounceMs: one('--zones-debounce-ms <ms>', 'wait this long after the last change before reloading', integer(1), { example: 100, default: '200' }),
  zoneDeleteGraceMs: one('--zone-delete-grace-ms <ms>', 'keep serving a deleted zone file\'s zone this long', integer(0), { example: 0, default: '30000' }),
  allowSerialRollback: switch_('--allow-serial-rollback', 'accept a zone whose SOA serial went backwards'),
  zonesCache: one('--zones-cache <dir>', 'keep a last-good copy of each zone here; a file that does not load at start is served from it', text, { example: '/var/lib/anycastd/zones' }),
  zoneOrigin: many('--zone-origin <file=origin>', 'origin for a zone file not named after its zone (repeatable)', fileOrigin, { example: ['db.example=example.com.'] }),
  anycast: many('--anycast <prefix>', 'anycast prefix to announce, e.g. 192.0.2.1/32 (repeatable)', anycastPrefix, { example: ['192.0.2.1/32', '2001:db8::1/128'] }),
  birdInclude: one('--bird-include <file>', 'BIRD include file to write (enables announcing)', text, { example: '/run/anycastd/bird-anycast.conf' }),
  birdSocket: one('--bird-socket <path>', 'BIRD control socket', text, { example: '/run/bird/bird.ctl', default: '/run/bird/bird.ctl' }),
  router: one('--router <bird|frr>', 'routing daemon to steer (frr: through vtysh; see frr/README.md)', oneOf(ROUTER_KINDS), { example: 'frr', default: 'bird' }),
  frrVtysh: one('--frr-vtysh <path>', 'vtysh to steer FRR with; may carry arguments, e.g. "vtysh --vty_socket DIR"', text, { example: 'vtysh', default: 'vtysh' }),
  http: one('--http <addr:port>', 'serve /metrics, /status, /healthz here (read-only)', listenAddress, { example: '127.0.0.1:8053' }),
  httpAllow: many('--http-allow <prefix>', 'only these clients may connect to --http, e.g. 10.0.0.0/8 (repeatable)', allowPrefix, { example: ['10.0.0.0/8', '2001:db8::/32'] }),
  // No default in the table: serveConfig tells a named path (fatal if unusable) from the default one (a warning).
  controlSocket: one('--control-socket <path>', 'unix socket (0660) for drain, undrain, reload; default /run/anycastd/control.sock', text, { example: '/run/anycastd/control.sock' }),
  checkInterval: one('--check-interval <ms>', 'self-check interval', integer(50), { example: 500, default: '1000' }),
  rise: one('--rise <n>', 'good rounds before announcing', integer(1), { example: 3, default: '2' }),
  fall: one('--fall <n>', 'failed rounds before withdrawing', integer(1), { example: 3, default: '2' }),
  holdDown: one('--hold-down <ms>', 'minimum time before re-announcing after a change', integer(0), { example: 10000, default: '5000' }),
  maxLagMs: one('--max-lag-ms <ms>', 'event-loop lag p99 that counts as overload', integer(1), { example: 100, default: '250' }),
  maxElu: one('--max-elu <ratio>', 'event-loop utilisation that counts as overload (0..1)', ratio, { example: 0.9, default: String(DEFAULT_MAX_ELU) }),
  capacityQps: one('--capacity-qps <n>', 'query rate that counts as overload', positive, { example: 40000 }),
  maxRssMb: one('--max-rss-mb <n>', 'memory that counts as overload', positive, { example: 2048 }),
  prepend: one('--prepend <n>', 'AS-path prepends when overloaded (de-preferred)', integer(0, MAX_PREPEND), { example: 2, default: '3' }),
  med: one('--med <n>', 'MED to set when overloaded', integer(0, 0xffffffff), { example: 200 }),
  maintenanceFile: one('--maintenance-file <path>', 'drain while this file exists', text, { example: '/etc/anycastd/maintenance' }),
  drainMs: one('--drain-ms <ms>', 'keep answering this long after withdrawing on SIGTERM', integer(0), { example: 2000, default: '5000' }),
  udpIo: one('--udp-io <mode>', 'UDP I/O path: native (batched recvmmsg/sendmmsg addon), dgram (node:dgram), auto (native when built)', oneOf(UDP_IO_CHOICES), { example: 'dgram', default: 'auto' }),
  workers: one('--workers <n>', 'data-path workers: threads on Node >= 22.12, else processes', integer(1), { example: 2, default: '1' }),
  hungRestartMs: one('--hung-restart-ms <ms>', 'restart a data-path worker (process or thread) that answers no report for this long; 0 never', integer(0), { example: 60000, default: '30000' }),
  workerMode: one('--worker-mode <mode>', 'auto, threads (one process, zones shared; Node >= 22.12) or processes (cluster, a zone copy each)', oneOf(['auto', 'threads', 'processes'] as const), { example: 'processes', default: 'auto' }),
  secondary: many('--secondary <origin@addr[:port][,key=name]>', 'secondary zone transferred from this primary (repeatable)', text, { example: ['example.org@192.0.2.53:53,key=xfr'] }),
  catalog: many('--catalog <origin@addr[:port][,key=name]>', 'RFC 9432 catalog zone from this primary (repeatable)', text, { example: ['catalog.invalid@192.0.2.53,key=xfr'] }),
  tsigKeys: one('--tsig-keys <file>', 'TSIG keys in tsig-keygen format', text, { example: '/etc/anycastd/tsig.keys' }),
  xfrDir: one('--xfr-dir <dir>', 'where transferred zones are kept', text, { example: '/var/lib/anycastd/secondary', default: './secondary' }),
  keepExpiredAnnounced: switch_('--keep-expired-announced', 'keep announcing while a secondary zone is expired'),
  debugEndpoints: switch_('--debug-endpoints', 'accept the debug-block, debug-load and debug-crash control commands (tests only)'),
  rrlRate: one('--rrl-rate <n>', 'responses per second per RRL bucket for the whole node; 0 is off', integer(0, MAX_RRL_RATE), { example: 20, default: '0' }),
  rrlSlip: one('--rrl-slip <n>', 'every Nth limited response is a TC=1 reply, the rest dropped; 0 drops all', integer(0, 100), { example: 2, default: '2' }),
  rrlIpv4Prefix: one('--rrl-ipv4-prefix <len>', 'RRL buckets IPv4 clients by this prefix', integer(8, 32), { example: 24, default: '24' }),
  rrlIpv6Prefix: one('--rrl-ipv6-prefix <len>', 'RRL buckets IPv6 clients by this prefix', integer(16, 128), { example: 56, default: '56' }),
  rrlExempt: many('--rrl-exempt <prefix>', 'never rate limit this client prefix (repeatable)', exemptPrefix, { example: ['192.0.2.0/24', '2001:db8::/32'] }),
  rrlDryRun: switch_('--rrl-dry-run', 'count what RRL would limit, limit nothing'),
  cookieSecret: one('--cookie-secret <hex>', 'DNS cookies (RFC 9018) with this 128-bit server secret, shared by the fleet', cookieSecret, { example: '000102030405060708090a0b0c0d0e0f' }),
  cookieSecretPrevious: one('--cookie-secret-previous <hex>', 'the secret being retired: cookies it minted are still valid', cookieSecret, { example: '0f0e0d0c0b0a09080706050403020100' }),
  logLevel: one('--log-level <level>', 'pino log level', text, { example: 'debug', default: process.env.LOG_LEVEL ?? 'info' }),
  logFormat: one('--log-format <format>', 'json (one object per line, for journald) or pretty (for a terminal)', oneOf(LOG_FORMATS), { example: 'pretty', default: 'json' }),
};

export type ServeOptionKey = keyof typeof SERVE_OPTIONS;

/** The options `serve` runs with, typed and checked. */
export type ServeOptions = { [K in ServeOptionKey]: (typeof SERVE_OPTIONS)[K] extends ServeOption<infer T> ? T : never };

/** Values as given: strings, booleans and lists of strings from commander, any JSON from the config file. */
export type GivenOptions = { [K in ServeOptionKey]?: unknown };

/** Not an option of the table: it says where more of them are. */
export const CONFIG_FLAGS = '--config <file>';

export function flagName(option: ServeOption<unknown>): string {
  return option.flags.split(' ')[0];
}

/** Adds the table to `serve`. No defaults go to commander: a value there means the user gave it. */
export function addServeOptions(cmd: Command): Command {
  for (const option of Object.values(SERVE_OPTIONS) as ServeOption<unknown>[]) {
    const shown = option.defaultText === undefined || (Array.isArray(option.defaultText) && option.defaultText.length === 0)
      ? '' : ` (default: ${[option.defaultText].flat().join(', ')})`;
    if (option.shape === 'many') cmd.option(option.flags, option.help + shown, (v: string, previous: string[] | undefined) => [...(previous ?? []), v]);
    else cmd.option(option.flags, option.help + shown);
  }
  return cmd.option(CONFIG_FLAGS, 'JSON file with the same keys (camelCase); flags win');
}

/**
 * The options `serve` runs with: a value given on the command line wins over the config file's, which wins over
 * the table's default. Every bad value is refused with a message naming the flag or the file and key.
 */
export function readServeOptions(cli: GivenOptions, file?: { path: string; data: Record<string, unknown> }): ServeOptions {
  const options: Record<string, unknown> = {};
  if (file) {
    for (const key of Object.keys(file.data)) {
      if (!Object.hasOwn(SERVE_OPTIONS, key)) throw new Error(`config file ${file.path}: unknown key "${key}"`);
    }
  }
  for (const [key, option] of Object.entries(SERVE_OPTIONS) as [ServeOptionKey, ServeOption<unknown>][]) {
    const fromCli = cli[key];
    if (fromCli !== undefined || !file || !Object.hasOwn(file.data, key)) options[key] = option.read(fromCli, flagName(option));
    else options[key] = option.read(file.data[key], `config file ${file.path}: "${key}"`);
  }
  return options as ServeOptions;
}
