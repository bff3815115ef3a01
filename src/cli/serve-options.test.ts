// The serve options table: every entry shows in --help, reads from a config file with its type, and refuses a bad value clearly.

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TCP_LIMITS } from '../transport/tcp.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS } from '../zone/loading/zone-manager.js';
import { addServeOptions, flagName, readServeOptions, SERVE_OPTIONS, type ServeOption } from './serve-options.js';

const ENTRIES = Object.entries(SERVE_OPTIONS) as [string, ServeOption<unknown>][];
const fromFile = (data: Record<string, unknown>) => readServeOptions({}, { path: 'test.json', data });
const camel = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

describe('SERVE_OPTIONS', () => {
  it('names each key after its flag, as commander and the config file both spell it', () => {
    for (const [key, option] of ENTRIES) expect(camel(flagName(option)), key).toBe(key);
  });

  it('shows every option, with its default, in serve --help', () => {
    // Lines wrap at the terminal width: compare with runs of white space made one.
    const help = addServeOptions(new Command('serve')).helpInformation().replace(/\s+/g, ' ');
    for (const [, option] of ENTRIES) {
      expect(help).toContain(option.flags);
      if (typeof option.defaultText === 'string') expect(help).toContain(`(default: ${option.defaultText})`);
    }
    expect(help).toContain('--config <file>');
  });

  it('takes every option from a config file in its JSON type', () => {
    for (const [key, option] of ENTRIES) {
      const value = fromFile({ [key]: option.example })[key as keyof typeof SERVE_OPTIONS];
      if (option.shape === 'switch') expect(value, key).toBe(true);
      else if (option.shape === 'many') expect(Array.isArray(value) && value.length === (option.example as unknown[]).length, key).toBe(true);
      else expect(value, key).not.toBeUndefined();
    }
  });

  it('gives the same value for a flag as for the config file key', () => {
    for (const [key, option] of ENTRIES) {
      const cli = option.shape === 'switch' ? true : option.shape === 'many' ? (option.example as unknown[]).map(String) : String(option.example);
      expect(readServeOptions({ [key]: cli })[key as keyof typeof SERVE_OPTIONS], key).toEqual(fromFile({ [key]: option.example })[key as keyof typeof SERVE_OPTIONS]);
    }
  });

  it('refuses a value of the wrong JSON type, naming the file and key', () => {
    for (const [key, option] of ENTRIES) {
      const wrong = option.shape === 'switch' ? 'true' : option.shape === 'many' ? [{}] : { value: option.example };
      expect(() => fromFile({ [key]: wrong }), key).toThrow(new RegExp(`^config file test\\.json: "${key}" must be `));
    }
  });

  it('refuses an out-of-range or malformed value with a message naming the flag', () => {
    const cases: [string, string][] = [
      ['maxLagMs', '--max-lag-ms must be an integer >= 1, got "0"'],
      ['maxUdpSize', '--max-udp-size must be an integer >= 512, got "0"'],
      ['prepend', '--prepend must be an integer >= 0, got "-1"'],
      ['maxElu', '--max-elu must be a ratio in (0, 1], got "0"'],
      ['capacityQps', '--capacity-qps must be a positive number, got "0"'],
    ];
    for (const [key, message] of cases) {
      const bad = key === 'prepend' ? '-1' : '0';
      expect(() => readServeOptions({ [key]: bad }), key).toThrow(message);
    }
    expect(() => readServeOptions({ rise: '' })).toThrow('--rise must be an integer >= 1, got ""');
    expect(() => readServeOptions({ listen: ['nowhere'] })).toThrow('--listen: bad listen address "nowhere"');
    expect(() => readServeOptions({ anycast: ['192.0.2.1'] })).toThrow('--anycast: invalid anycast prefix "192.0.2.1"');
  });

  it('has the defaults the data path and the zone manager have on their own', () => {
    const d = readServeOptions({});
    expect([d.tcpIdleMs, d.tcpMaxConnections, d.tcpMaxQueries]).toEqual([DEFAULT_TCP_LIMITS.idleMs, DEFAULT_TCP_LIMITS.maxConnections, DEFAULT_TCP_LIMITS.maxQueriesPerConnection]);
    expect([d.zonesRescanMs, d.zonesDebounceMs, d.zoneDeleteGraceMs]).toEqual([DEFAULT_ZONE_MANAGER_OPTIONS.rescanMs, DEFAULT_ZONE_MANAGER_OPTIONS.debounceMs, DEFAULT_ZONE_MANAGER_OPTIONS.deleteGraceMs]);
  });
});
