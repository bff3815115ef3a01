import { describe, expect, it } from 'vitest';
import { DEFAULT_RRL, ResponseRateLimiter, RrlAction, parseExempt } from './rrl.js';
import { ResponseClass as RrlClass } from '../query/outcome.js';
import { ClientAddress } from './client-address.js';

function limiter(over: Partial<typeof DEFAULT_RRL>) {
  const c = { now: 5_000_000 };
  return { rrl: new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 5, ...over }, () => c.now), c };
}

function run(rrl: ResponseRateLimiter, from: string | string[], n: number, cls = RrlClass.Positive, name = 42) {
  const a = new ClientAddress();
  const out = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    a.set(Array.isArray(from) ? from[i % from.length] : from.replace('*', String(i % 250)));
    out[rrl.judge(a, cls, name)]++;
  }
  return { answered: out[RrlAction.Answer], slipped: out[RrlAction.Slip], dropped: out[RrlAction.Drop] };
}

describe('ResponseRateLimiter', () => {
  it('groups an IPv4 /24 into one bucket and slips every 2nd limited response', () => {
    const { rrl } = limiter({});
    expect(run(rrl, '127.1.1.*', 105)).toEqual({ answered: 5, slipped: 50, dropped: 50 });
    expect(rrl.counts[0]).toBe(50);
    expect(rrl.counts[1]).toBe(50);
    // Another /24, same name: its own bucket.
    expect(run(rrl, '127.1.2.*', 5).answered).toBe(5);
  });

  it('--rrl-ipv4-prefix 32 separates hosts', () => {
    const { rrl } = limiter({ ipv4Prefix: 32 });
    expect(run(rrl, '127.1.1.*', 250).answered).toBe(250);
  });

  it('buckets by class and name', () => {
    const { rrl } = limiter({});
    expect(run(rrl, '127.1.1.1', 10, RrlClass.Positive, 1).answered).toBe(5);
    expect(run(rrl, '127.1.1.1', 10, RrlClass.NxDomain, 1).answered).toBe(5);
    expect(run(rrl, '127.1.1.1', 10, RrlClass.Positive, 2).answered).toBe(5);
  });

  it('groups IPv6 by /56', () => {
    const { rrl } = limiter({});
    expect(run(rrl, ['2001:db8:0:ab01::1', '2001:db8:0:abff:1:2:3:4'], 100).answered).toBe(5);
    expect(run(rrl, ['2001:db8:0:ac01::1'], 100).answered).toBe(5);
    const wide = limiter({ ipv6Prefix: 48 }).rrl;
    expect(run(wide, ['2001:db8:0:ab01::1', '2001:db8:0:ac01::1'], 100).answered).toBe(5);
  });

  it('--rrl-slip 0 drops all, --rrl-slip 1 slips all', () => {
    expect(run(limiter({ slip: 0 }).rrl, '10.0.0.1', 25)).toEqual({ answered: 5, slipped: 0, dropped: 20 });
    expect(run(limiter({ slip: 1 }).rrl, '10.0.0.1', 25)).toEqual({ answered: 5, slipped: 20, dropped: 0 });
  });

  it('--rrl-dry-run answers everything and counts what it would have limited', () => {
    const { rrl } = limiter({ dryRun: true });
    expect(run(rrl, '10.0.0.1', 25).answered).toBe(25);
    expect(rrl.counts[2]).toBe(20);
  });

  it('--rrl-exempt prefixes are never limited', () => {
    const { rrl } = limiter({ exempt: ['10.0.0.0/30', '2001:db8::/32'] });
    expect(run(rrl, '10.0.0.2', 25).answered).toBe(25);
    expect(run(rrl, '10.0.0.9', 25).answered).toBe(5);
    expect(run(rrl, '2001:db8::7', 25).answered).toBe(25);
  });

  it('each of N workers takes rate/N', () => {
    const { rrl } = limiter({ rate: 10, workers: 2 });
    expect(run(rrl, '10.0.0.1', 50).answered).toBe(5);
  });

  it('parses exempt prefixes strictly', () => {
    expect(parseExempt('192.0.2.1').bits).toBe(32);
    expect(() => parseExempt('192.0.2.0/33')).toThrow(/PREFIX\/LEN/);
    expect(() => parseExempt('nope/8')).toThrow(/PREFIX\/LEN/);
    expect(() => parseExempt('10.0.0.0/8x')).toThrow(/PREFIX\/LEN/);
  });
});
