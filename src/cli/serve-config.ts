// `anycastd serve` flags (and config-file keys) turned into the data path's and the control plane's configuration.

import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../server/server.js';
import type { ControlConfig } from '../control/control-plane.js';
import { type ListenAddress, parseListen } from '../transport/address.js';
import { DEFAULT_TCP_LIMITS } from '../transport/tcp.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS } from '../zone/zone-manager.js';
import { DEFAULT_MAX_ELU } from '../health/overload.js';
import { parsePrefixes } from '../bird/prefix.js';
import { MAX_PREPEND } from '../bird/include-file.js';

/** Option values as commander (or the config file) gives them: strings, booleans, lists. */
export interface ServeFlags {
  listen: string[];
  zones: string;
  nsid?: string;
  identity?: string;
  serverVersion?: string;
  hideIdentity?: boolean;
  hideVersion?: boolean;
  maxUdpSize: string;
  tcpIdleMs: string;
  tcpMaxConnections: string;
  tcpMaxQueries: string;
  zonesRescanMs: string;
  zonesDebounceMs: string;
  zoneDeleteGraceMs: string;
  allowSerialRollback?: boolean;
  zoneOrigin: string[];
  zonesCache?: string;
  anycast?: string[];
  birdInclude?: string;
  birdSocket?: string;
  http?: string;
  checkInterval?: string;
  rise?: string;
  fall?: string;
  holdDown?: string;
  maxLagMs?: string;
  maxElu?: string;
  capacityQps?: string;
  maxRssMb?: string;
  workers?: string;
  workerMode?: string;
  prepend?: string;
  med?: string;
  maintenanceFile?: string;
  drainMs?: string;
  debugEndpoints?: boolean;
  logLevel?: string;
}

export interface ServeConfig {
  server: ServerConfig;
  control: ControlConfig;
  http: ListenAddress | null;
  workers: number;
  workerMode: 'auto' | 'threads' | 'processes';
  drainMs: number;
  debugEndpoints: boolean;
  version: string;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function workerMode(text: string | undefined): ServeConfig['workerMode'] {
  if (text === undefined || text === 'auto' || text === 'threads' || text === 'processes') return text ?? 'auto';
  throw new Error(`--worker-mode must be auto, threads or processes, got "${text}"`);
}

function int(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${text}"`);
  return n;
}

function optionalNumber(name: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${text}"`);
  return n;
}

function ratio(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`--${name} must be a ratio in (0, 1], got "${text}"`);
  return n;
}

function atMost(name: string, n: number, max: number): number {
  if (n > max) throw new Error(`--${name} must be at most ${max}, got ${n}`);
  return n;
}

/** "--zone-origin db.example=example.com." entries: file name to origin. */
function originMap(entries: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const m = /^([^=]+)=(.+\.)$/.exec(entry);
    if (!m) throw new Error(`--zone-origin expects FILE=ORIGIN. (absolute origin), got "${entry}"`);
    map[m[1]] = m[2];
  }
  return map;
}

export function serveConfig(flags: ServeFlags): ServeConfig {
  const nsid = flags.nsid ?? hostname();
  const version = packageVersion();
  const listen = (flags.listen.length ? flags.listen : ['127.0.0.1:5353']).map(parseListen);
  // Checked here, at start: a bad prefix would otherwise fail every include write, leaving BIRD no file at all.
  let anycast: string[];
  try {
    anycast = parsePrefixes(flags.anycast ?? []).map((p) => p.cidr);
  } catch (err) {
    throw new Error(`--anycast: ${(err as Error).message}`);
  }
  if (flags.birdInclude && anycast.length === 0) throw new Error('--bird-include needs at least one --anycast PREFIX to announce');
  const maxRssMb = optionalNumber('max-rss-mb', flags.maxRssMb);
  return {
    version,
    workers: int('workers', flags.workers, 1, 1),
    workerMode: workerMode(flags.workerMode),
    drainMs: int('drain-ms', flags.drainMs, 5000, 0),
    debugEndpoints: flags.debugEndpoints ?? false,
    http: flags.http ? parseListen(flags.http) : null,
    server: {
      listen,
      zones: {
        ...DEFAULT_ZONE_MANAGER_OPTIONS,
        dir: flags.zones,
        origins: originMap(flags.zoneOrigin),
        rescanMs: int('zones-rescan-ms', flags.zonesRescanMs, DEFAULT_ZONE_MANAGER_OPTIONS.rescanMs, 1),
        debounceMs: int('zones-debounce-ms', flags.zonesDebounceMs, DEFAULT_ZONE_MANAGER_OPTIONS.debounceMs, 1),
        deleteGraceMs: int('zone-delete-grace-ms', flags.zoneDeleteGraceMs, DEFAULT_ZONE_MANAGER_OPTIONS.deleteGraceMs, 0),
        allowSerialRollback: flags.allowSerialRollback ?? false,
        cacheDir: flags.zonesCache ?? null,
      },
      nsid,
      identity: flags.hideIdentity ? null : flags.identity ?? nsid,
      version: flags.hideVersion ? null : flags.serverVersion ?? `anycastd ${version}`,
      maxUdpSize: int('max-udp-size', flags.maxUdpSize, 1232, 512),
      tcp: {
        ...DEFAULT_TCP_LIMITS,
        idleMs: int('tcp-idle-ms', flags.tcpIdleMs, DEFAULT_TCP_LIMITS.idleMs, 1),
        maxConnections: int('tcp-max-connections', flags.tcpMaxConnections, DEFAULT_TCP_LIMITS.maxConnections, 1),
        maxQueriesPerConnection: int('tcp-max-queries', flags.tcpMaxQueries, DEFAULT_TCP_LIMITS.maxQueriesPerConnection, 1),
      },
    },
    control: {
      listen,
      checkIntervalMs: int('check-interval', flags.checkInterval, 1000, 50),
      rise: int('rise', flags.rise, 2, 1),
      fall: int('fall', flags.fall, 2, 1),
      holdDownMs: int('hold-down', flags.holdDown, 5000, 0),
      maxLagMs: int('max-lag-ms', flags.maxLagMs, 250, 1),
      maxElu: flags.maxElu === undefined ? DEFAULT_MAX_ELU : ratio('max-elu', flags.maxElu),
      capacityQps: optionalNumber('capacity-qps', flags.capacityQps),
      maxRssBytes: maxRssMb === null ? null : maxRssMb * 1024 * 1024,
      anycast,
      birdInclude: flags.birdInclude ?? null,
      birdSocket: flags.birdSocket ?? '/run/bird/bird.ctl',
      prependCount: atMost('prepend', int('prepend', flags.prepend, 3, 0), MAX_PREPEND),
      med: flags.med === undefined ? null : atMost('med', int('med', flags.med, 0, 0), 0xffffffff),
      maintenanceFile: flags.maintenanceFile ?? null,
    },
  };
}
