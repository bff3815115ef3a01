// `anycastd serve`: flags to configuration, start the service, reload on SIGHUP, stop on SIGTERM/SIGINT.

import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { createLogger } from '../log.js';
import { DnsServer, type ServerConfig } from '../server/server.js';
import { parseListen } from '../transport/address.js';
import { DEFAULT_TCP_LIMITS } from '../transport/tcp.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS } from '../zone/zone-manager.js';

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
  logLevel?: string;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return n;
}

function nonNegative(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
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

export function serveConfig(flags: ServeFlags): ServerConfig {
  const nsid = flags.nsid ?? hostname();
  return {
    listen: (flags.listen.length ? flags.listen : ['127.0.0.1:5353']).map(parseListen),
    zones: {
      ...DEFAULT_ZONE_MANAGER_OPTIONS,
      dir: flags.zones,
      origins: originMap(flags.zoneOrigin),
      rescanMs: positive('zones-rescan-ms', flags.zonesRescanMs),
      debounceMs: positive('zones-debounce-ms', flags.zonesDebounceMs),
      deleteGraceMs: nonNegative('zone-delete-grace-ms', flags.zoneDeleteGraceMs),
      allowSerialRollback: flags.allowSerialRollback ?? false,
    },
    nsid,
    identity: flags.hideIdentity ? null : flags.identity ?? nsid,
    version: flags.hideVersion ? null : flags.serverVersion ?? `anycastd ${version()}`,
    maxUdpSize: positive('max-udp-size', flags.maxUdpSize),
    tcp: {
      ...DEFAULT_TCP_LIMITS,
      idleMs: positive('tcp-idle-ms', flags.tcpIdleMs),
      maxConnections: positive('tcp-max-connections', flags.tcpMaxConnections),
      maxQueriesPerConnection: positive('tcp-max-queries', flags.tcpMaxQueries),
    },
  };
}

export async function runServe(flags: ServeFlags): Promise<void> {
  const log = createLogger(flags.logLevel);
  const server = new DnsServer(serveConfig(flags), log);
  await server.start();
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading zones');
    void server.reloadZones();
  });
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
