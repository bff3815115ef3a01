import { describe, expect, it } from 'vitest';
import { RrlTable, Verdict } from './rrl-table.js';

function clock(start = 1_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

function passes(t: RrlTable, n: number, a = 1, b = 2, c = 3): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (t.check(a, b, c) === Verdict.Pass) ok++;
  return ok;
}

describe('RrlTable', () => {
  it('lets a burst of one second worth pass, then holds a sustained flood to the rate', () => {
    const c = clock();
    const t = new RrlTable(10, 10, undefined, c.fn);
    expect(passes(t, 100)).toBe(10);
    let total = 0;
    for (let ms = 0; ms < 5000; ms += 10) {
      c.now += 10;
      total += passes(t, 2); // 200 per second offered, 20x the rate
    }
    expect(total).toBeGreaterThanOrEqual(49);
    expect(total).toBeLessThanOrEqual(51);
  });

  it('credit is bounded: a long quiet spell buys one second worth, not more', () => {
    const c = clock();
    const t = new RrlTable(10, 10, undefined, c.fn);
    passes(t, 100);
    c.now += 60_000;
    expect(passes(t, 100)).toBe(10);
  });

  it('keeps buckets apart', () => {
    const c = clock();
    const t = new RrlTable(10, 5, undefined, c.fn);
    expect(passes(t, 50, 1, 2, 3)).toBe(5);
    expect(passes(t, 50, 1, 2, 4)).toBe(5);
    expect(passes(t, 50, 9, 2, 3)).toBe(5);
  });

  it('a fractional rate (a worker share below 1/s) still answers once per 1/rate seconds', () => {
    const c = clock();
    const t = new RrlTable(8, 0.5, undefined, c.fn);
    expect(passes(t, 10)).toBe(1);
    c.now += 1000;
    expect(passes(t, 10)).toBe(0);
    c.now += 1000;
    expect(passes(t, 10)).toBe(1);
  });

  it('memory is fixed: a million distinct sources leave the size unchanged and the hot bucket limited', () => {
    const c = clock();
    const t = new RrlTable(16, 10, undefined, c.fn);
    const bytes = t.bytes;
    passes(t, 10, 7, 7, 7); // the attacked bucket uses its credit
    let hot = 0;
    for (let i = 0; i < 1_000_000; i++) {
      t.check(i << 8, 4, 12345);
      if ((i & 1023) === 0) {
        c.now += 1;
        if (t.check(7, 7, 7) === Verdict.Pass) hot++;
      }
    }
    // ~977 simulated ms at 10/s earn ~9.8 responses; an eviction would have handed it a fresh 10 on top.
    expect(hot).toBeLessThanOrEqual(10);
    expect(t.bytes).toBe(bytes);
    expect(t.activeSlots(60_000)).toBeLessThanOrEqual(t.slots);
  });

  it('two views of one SharedArrayBuffer share the buckets', () => {
    const c = clock();
    const t1 = new RrlTable(8, 10, undefined, c.fn, 1);
    const t2 = new RrlTable(8, 10, t1.buffer, c.fn, 1);
    expect(passes(t1, 6) + passes(t2, 6)).toBe(10);
  });

  it('refuses a rate it cannot represent', () => {
    expect(() => new RrlTable(4, 0)).toThrow(/rate/);
    expect(() => new RrlTable(4, 2_000_000)).toThrow(/rate/);
  });
});
