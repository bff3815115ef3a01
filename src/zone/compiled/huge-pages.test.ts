// Huge pages for zone arrays: the ranges are the whole 2 MiB blocks, the advice reaches the kernel (the mapping is
// flagged) without changing the bytes, a range that is gone is refused quietly, and folding in steps gets there.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldHugePages, foldHugePagesSoon, hugePageRanges, hugePagesAvailable } from './huge-pages.js';

process.env.ANYCASTD_HUGE_PAGES = '1'; // off by default; this file tests it switched on
const required = process.env.REQUIRE_E2E === '1';
if (!hugePagesAvailable() && !required) console.warn('skipping huge page tests: the zone_memory addon is not built (npm run build:native)');
const maybe = !hugePagesAvailable() && !required ? describe.skip : describe;
const MiB = 1 << 20;

/** Bytes of [start, start + bytes) in mappings that carry the huge page advice (smaps VmFlags "hg"). */
function advisedWithin([start, bytes]: number[]): number {
  let total = 0;
  let overlap = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const [from, to] = line.split(' ')[0].split('-').map((h) => parseInt(h, 16));
      overlap = Math.max(0, Math.min(to, start + bytes) - Math.max(from, start));
    } else if (line.startsWith('VmFlags:') && line.split(' ').includes('hg')) {
      total += overlap;
    }
  }
  return total;
}

maybe('huge pages for zone arrays', () => {
  it('finds the whole 2 MiB blocks inside large arrays only', () => {
    const big = new Int32Array(4 * MiB); // 16 MiB
    const [start, bytes] = hugePageRanges([big]);
    expect(start % (2 * MiB)).toBe(0);
    expect(bytes % (2 * MiB)).toBe(0);
    expect(bytes).toBeGreaterThanOrEqual(14 * MiB);
    expect(bytes).toBeLessThanOrEqual(16 * MiB);
    expect(hugePageRanges([new Uint8Array(3 * MiB)])).toEqual([]);
    expect(hugePageRanges([big, new Uint8Array(8 * MiB)]).length).toBe(4);
  });

  it('folds a written array without changing its contents', () => {
    const array = new Int32Array(4 * MiB);
    for (let i = 0; i < array.length; i += 1024) array[i] = i;
    const ranges = hugePageRanges([array]);
    expect(advisedWithin(ranges)).toBe(0);
    expect(foldHugePages(ranges)).toBe(ranges[1]);
    expect(advisedWithin(ranges)).toBe(ranges[1]);
    for (let i = 0; i < array.length; i += 1024) expect(array[i]).toBe(i);
  });

  it('refuses, without throwing, a range that is not mapped', () => {
    expect(foldHugePages([2 * MiB, 2 * MiB])).toBe(0);
  });

  it('says at once that there is nothing to fold', async () => {
    await new Promise<void>((resolve) => foldHugePagesSoon([], resolve));
  });

  it('folds in steps off the current turn of the event loop', async () => {
    const array = new Uint8Array(12 * MiB).fill(7);
    const ranges = hugePageRanges([array]);
    const done = new Promise<void>((resolve) => foldHugePagesSoon(ranges, resolve, 0));
    expect(advisedWithin(ranges)).toBe(0); // nothing yet: the caller's turn is not held up
    await done;
    expect(advisedWithin(ranges)).toBe(ranges[1]);
    expect(array[array.length - 1]).toBe(7);
  });
});
