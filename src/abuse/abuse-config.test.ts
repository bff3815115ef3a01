import { describe, expect, it } from 'vitest';
import { readServeOptions } from '../cli/serve-options.js';
import { abuseConfig } from './abuse-config.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('abuse options', () => {
  it('defaults: RRL off, slip 2, /24 and /56, no cookies', () => {
    const c = abuseConfig(readServeOptions({}), 1);
    expect(c.rrl).toMatchObject({ rate: 0, slip: 2, ipv4Prefix: 24, ipv6Prefix: 56, exempt: [], dryRun: false });
    expect(c.cookies).toBeNull();
  });

  it('reads every flag, and the config file keys', () => {
    const c = abuseConfig(readServeOptions({ rrlRate: '20', rrlSlip: '0', rrlIpv4Prefix: '32', rrlIpv6Prefix: '64', rrlExempt: ['10.0.0.0/8'], rrlDryRun: true, cookieSecret: SECRET }), 2);
    expect(c.rrl).toEqual({ rate: 20, slip: 0, ipv4Prefix: 32, ipv6Prefix: 64, exempt: ['10.0.0.0/8'], dryRun: true, workers: 2 });
    expect(Buffer.from(c.cookies!.current).toString('hex')).toBe(SECRET);
    const f = abuseConfig(readServeOptions({}, { path: 'x.json', data: { rrlRate: 5, cookieSecret: SECRET, cookieSecretPrevious: SECRET.split('').reverse().join('') } }), 1);
    expect(f.rrl.rate).toBe(5);
    expect(f.cookies!.previous).not.toBeNull();
  });

  it('refuses bad values, never repeating a secret', () => {
    expect(() => readServeOptions({ rrlRate: '-1' })).toThrow(/--rrl-rate/);
    expect(() => readServeOptions({ rrlIpv4Prefix: '33' })).toThrow(/--rrl-ipv4-prefix/);
    expect(() => readServeOptions({ rrlExempt: ['10.0.0.0/40'] })).toThrow(/--rrl-exempt/);
    const almost = SECRET.slice(0, 31) + 'g';
    let message = '';
    try {
      readServeOptions({ cookieSecret: almost });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/--cookie-secret.*32 hex digits/);
    expect(message).not.toContain(almost.slice(0, 16));
    expect(() => abuseConfig(readServeOptions({ cookieSecretPrevious: SECRET }), 1)).toThrow(/needs --cookie-secret/);
  });
});
