// `anycastd serve` options (serve-options.ts) turned into the data path's and the control plane's configuration.

import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../server/server.js';
import type { ControlConfig } from '../control/control-plane.js';
import type { ListenAddress } from '../transport/address.js';
import { DEFAULT_TCP_LIMITS } from '../transport/tcp.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS } from '../zone/loading/zone-manager.js';
import type { ServeOptions } from './serve-options.js';
import { abuseConfig } from '../abuse/abuse-config.js';
import { secondaryConfig } from '../xfr/secondary-config.js';
import type { AllowPrefix } from '../control/http-allow.js';
import { DEFAULT_CONTROL_SOCKET } from '../control/control-client.js';
import { loadUdpBatchAddon, nativeUnavailableReason } from '../transport/udp-native.js';

export interface ServeConfig {
  server: ServerConfig;
  control: ControlConfig;
  http: ListenAddress | null;
  /** --http-allow: empty means every client may connect. */
  httpAllow: AllowPrefix[];
  /** explicit: named by flag or config; a default path we cannot create only earns a warning. */
  controlSocket: { path: string; explicit: boolean };
  workers: number;
  /** --hung-restart-ms: a data-path worker silent this long is restarted (0: never). */
  hungRestartMs: number;
  workerMode: 'auto' | 'threads' | 'processes';
  drainMs: number;
  debugEndpoints: boolean;
  version: string;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The checked options turned into the two halves' configuration; only rules between options are checked here. */
export function serveConfig(options: ServeOptions): ServeConfig {
  const nsid = options.nsid ?? hostname();
  const version = packageVersion();
  const anycast = [...new Set(options.anycast)];
  if (options.birdInclude && anycast.length === 0) throw new Error('--bird-include needs at least one --anycast PREFIX to announce');
  if (options.router === 'frr' && anycast.length === 0) throw new Error('--router frr needs at least one --anycast PREFIX to announce');
  if (options.httpAllow.length && !options.http) throw new Error('--http-allow limits the --http listener: give --http ADDR:PORT too');
  // Refused here, before any worker starts, rather than as a worker that exits and is restarted forever.
  if (options.udpIo === 'native' && loadUdpBatchAddon() === null) throw new Error(`--udp-io native: ${nativeUnavailableReason()}`);
  return {
    version,
    workers: options.workers,
    hungRestartMs: options.hungRestartMs,
    workerMode: options.workerMode,
    drainMs: options.drainMs,
    debugEndpoints: options.debugEndpoints,
    http: options.http ?? null,
    httpAllow: options.httpAllow,
    controlSocket: { path: options.controlSocket ?? DEFAULT_CONTROL_SOCKET, explicit: options.controlSocket !== undefined },
    server: {
      listen: options.listen,
      secondary: secondaryConfig(options),
      zones: {
        ...DEFAULT_ZONE_MANAGER_OPTIONS,
        dir: options.zones,
        origins: Object.fromEntries(options.zoneOrigin),
        rescanMs: options.zonesRescanMs,
        debounceMs: options.zonesDebounceMs,
        deleteGraceMs: options.zoneDeleteGraceMs,
        allowSerialRollback: options.allowSerialRollback,
        cacheDir: options.zonesCache ?? null,
      },
      nsid,
      identity: options.hideIdentity ? null : options.identity ?? nsid,
      version: options.hideVersion ? null : options.serverVersion ?? `anycastd ${version}`,
      maxUdpSize: options.maxUdpSize,
      udpIo: options.udpIo,
      ...abuseConfig(options, options.workers),
      tcp: {
        ...DEFAULT_TCP_LIMITS,
        idleMs: options.tcpIdleMs,
        maxConnections: options.tcpMaxConnections,
        maxQueriesPerConnection: options.tcpMaxQueries,
      },
    },
    control: {
      listen: options.listen,
      checkIntervalMs: options.checkInterval,
      rise: options.rise,
      fall: options.fall,
      holdDownMs: options.holdDown,
      maxLagMs: options.maxLagMs,
      maxElu: options.maxElu,
      capacityQps: options.capacityQps ?? null,
      maxRssBytes: options.maxRssMb === undefined ? null : options.maxRssMb * 1024 * 1024,
      anycast,
      birdInclude: options.birdInclude ?? null,
      birdSocket: options.birdSocket,
      router: options.router,
      frrVtysh: options.frrVtysh,
      prependCount: options.prepend,
      med: options.med ?? null,
      maintenanceFile: options.maintenanceFile ?? null,
    },
  };
}
