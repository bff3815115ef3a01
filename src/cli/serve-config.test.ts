// serveConfig: the defaults of the serve contract, and a clear message naming the flag for every bad value.

import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ELU } from '../health/overload.js';
import { packageVersion, serveConfig } from './serve-config.js';
import { type GivenOptions, readServeOptions } from './serve-options.js';

/** The defaults of the serve contract (README, DESIGN.md), as a user would type them. */
const DEFAULTS: GivenOptions = {
  listen: ['127.0.0.1:5353'], zones: './zones', maxUdpSize: '1232', tcpIdleMs: '10000', tcpMaxConnections: '1000', tcpMaxQueries: '100000',
  zonesRescanMs: '5000', zonesDebounceMs: '200', zoneDeleteGraceMs: '30000', zoneOrigin: [], birdSocket: '/run/bird/bird.ctl',
  checkInterval: '1000', rise: '2', fall: '2', holdDown: '5000', maxLagMs: '250', prepend: '3', drainMs: '5000', workers: '1',
};
/** The options as if given on the command line. */
const flags = (given: GivenOptions = {}) => readServeOptions(given);

describe('serveConfig defaults', () => {
  it('matches the contract in DESIGN.md', () => {
    const c = serveConfig(flags());
    expect(c.server.listen).toEqual([{ host: '127.0.0.1', port: 5353, family: 4 }]);
    expect(c.control.listen).toEqual(c.server.listen);
    expect(c.server.zones.dir).toBe('./zones');
    expect(c.server.nsid).toBe(hostname());
    expect(c.server.identity).toBe(hostname());
    expect(c.server.version).toBe(`anycastd ${packageVersion()}`);
    expect(c.server.maxUdpSize).toBe(1232);
    expect(c.http).toBeNull();
    expect(c.workers).toBe(1);
    expect(c.drainMs).toBe(5000);
    expect(c.debugEndpoints).toBe(false);
    expect(c.controlSocket).toEqual({ path: '/run/anycastd/control.sock', explicit: false });
    expect(c.httpAllow).toEqual([]);
    expect(c.control).toMatchObject({
      checkIntervalMs: 1000, rise: 2, fall: 2, holdDownMs: 5000, maxLagMs: 250, maxElu: DEFAULT_MAX_ELU, capacityQps: null, maxRssBytes: null,
      anycast: [], birdInclude: null, birdSocket: '/run/bird/bird.ctl', prependCount: 3, med: null, maintenanceFile: null,
    });
  });

  it('gives the same configuration for no flags as for the contract defaults typed out', () => {
    expect(serveConfig(flags())).toEqual(serveConfig(flags(DEFAULTS)));
    expect(serveConfig(flags()).server.tcp.maxQueriesPerConnection).toBe(100_000);
  });
});

describe('serveConfig values', () => {
  it('takes every flag through to its place', () => {
    const c = serveConfig(flags({
      listen: ['192.0.2.1:53', '[2001:db8::1]:53'], nsid: 'node1', identity: 'id1', serverVersion: 'v', anycast: ['192.0.2.1/32'],
      birdInclude: '/run/anycastd/bird-anycast.conf', http: '127.0.0.1:8053', checkInterval: '200', rise: '3', fall: '1', holdDown: '0',
      maxLagMs: '100', maxElu: '0.9', capacityQps: '40000', maxRssMb: '512', workers: '2', prepend: '0', med: '200',
      maintenanceFile: '/etc/anycastd/maintenance', drainMs: '0', debugEndpoints: true, zoneOrigin: ['db.example=example.com.'], allowSerialRollback: true,
    }));
    expect(c.server.listen.map((l) => [l.host, l.port, l.family])).toEqual([['192.0.2.1', 53, 4], ['2001:db8::1', 53, 6]]);
    expect(c.server).toMatchObject({ nsid: 'node1', identity: 'id1', version: 'v' });
    expect(c.server.zones).toMatchObject({ origins: { 'db.example': 'example.com.' }, allowSerialRollback: true });
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8053, family: 4 });
    expect(c).toMatchObject({ workers: 2, drainMs: 0, debugEndpoints: true });
    expect(c.control).toMatchObject({
      checkIntervalMs: 200, rise: 3, fall: 1, holdDownMs: 0, maxLagMs: 100, maxElu: 0.9, capacityQps: 40000, maxRssBytes: 512 * 1024 * 1024,
      anycast: ['192.0.2.1/32'], birdInclude: '/run/anycastd/bird-anycast.conf', prependCount: 0, med: 200, maintenanceFile: '/etc/anycastd/maintenance',
    });
  });

  it('hides identity and version on request', () => {
    const c = serveConfig(flags({ nsid: 'n', hideIdentity: true, hideVersion: true }));
    expect(c.server.identity).toBeNull();
    expect(c.server.version).toBeNull();
    expect(c.server.nsid).toBe('n');
  });
});

describe('serveConfig validation', () => {
  const cases: [GivenOptions, string][] = [
    [{ workers: '0' }, '--workers must be an integer >= 1, got "0"'],
    [{ workers: '1.5' }, '--workers must be an integer >= 1, got "1.5"'],
    [{ rise: 'two' }, '--rise must be an integer >= 1, got "two"'],
    [{ fall: '0' }, '--fall must be an integer >= 1, got "0"'],
    [{ holdDown: '-1' }, '--hold-down must be an integer >= 0, got "-1"'],
    [{ checkInterval: '10' }, '--check-interval must be an integer >= 50, got "10"'],
    [{ maxLagMs: '0' }, '--max-lag-ms must be an integer >= 1, got "0"'],
    [{ maxUdpSize: '511' }, '--max-udp-size must be an integer >= 512, got "511"'],
    [{ tcpIdleMs: '0' }, '--tcp-idle-ms must be an integer >= 1, got "0"'],
    [{ drainMs: 'soon' }, '--drain-ms must be an integer >= 0, got "soon"'],
    [{ prepend: '-1' }, '--prepend must be an integer >= 0, got "-1"'],
    [{ med: 'x' }, '--med must be an integer >= 0, got "x"'],
    [{ maxElu: '0' }, '--max-elu must be a ratio in (0, 1], got "0"'],
    [{ maxElu: '1.5' }, '--max-elu must be a ratio in (0, 1], got "1.5"'],
    [{ prepend: '17' }, '--prepend must be at most 16, got 17'],
    [{ capacityQps: '-5' }, '--capacity-qps must be a positive number, got "-5"'],
    [{ maxRssMb: 'lots' }, '--max-rss-mb must be a positive number, got "lots"'],
    [{ zoneOrigin: ['db.example=example.com'] }, '--zone-origin expects FILE=ORIGIN. (absolute origin), got "db.example=example.com"'],
    [{ listen: ['localhost:53'] }, 'bad listen address "localhost:53": "localhost" is not an IP address'],
    [{ listen: ['127.0.0.1'] }, 'bad listen address "127.0.0.1": expected ADDR:PORT or [IPv6]:PORT'],
    [{ listen: ['127.0.0.1:70000'] }, 'bad listen address "127.0.0.1:70000": port out of range'],
    [{ http: '[127.0.0.1]:8053' }, 'bad listen address "[127.0.0.1]:8053": brackets are for IPv6'],
    [{ birdInclude: '/run/anycastd/bird-anycast.conf' }, '--bird-include needs at least one --anycast PREFIX to announce'],
    [{ http: '127.0.0.1:8053', httpAllow: ['10.0.0.0/33'] }, '--http-allow prefix length of "10.0.0.0/33" must be 0..32'],
    [{ http: '127.0.0.1:8053', httpAllow: ['prometheus'] }, '--http-allow expects an IPv4 or IPv6 prefix'],
    [{ httpAllow: ['10.0.0.0/8'] }, '--http-allow limits the --http listener: give --http ADDR:PORT too'],
    [{ router: 'quagga' }, '--router must be one of bird, frr, got "quagga"'],
    [{ router: 'frr' }, '--router frr needs at least one --anycast PREFIX to announce'],
  ];
  for (const [over, message] of cases) {
    it(`rejects ${JSON.stringify(over)}`, () => {
      expect(() => serveConfig(flags(over))).toThrow(message);
    });
  }

  // A typo must stop the start: otherwise every include write fails and BIRD never gets a file at all.
  it('rejects an invalid --anycast prefix at start', () => {
    expect(() => serveConfig(flags({ anycast: ['192.0.2.1/33'], birdInclude: '/run/anycastd/bird-anycast.conf' }))).toThrow(/anycast/);
  });

  it('takes --control-socket as explicit, and --http-allow prefixes of both families', () => {
    const c = serveConfig(flags({ controlSocket: '/tmp/x/control.sock', http: '[::]:9100', httpAllow: ['10.0.0.0/8', '2001:db8::/32'] }));
    expect(c.controlSocket).toEqual({ path: '/tmp/x/control.sock', explicit: true });
    expect(c.httpAllow).toEqual([{ address: '10.0.0.0', length: 8, family: 'ipv4' }, { address: '2001:db8::', length: 32, family: 'ipv6' }]);
  });

  it('--router frr with --frr-vtysh; bird by default', () => {
    expect(serveConfig(flags({})).control).toMatchObject({ router: 'bird', frrVtysh: 'vtysh' });
    expect(serveConfig(flags({ router: 'frr', anycast: ['192.0.2.1/32'], frrVtysh: 'vtysh --vty_socket /run/frr-a' })).control).toMatchObject({
      router: 'frr', frrVtysh: 'vtysh --vty_socket /run/frr-a', anycast: ['192.0.2.1/32'],
    });
  });
});
