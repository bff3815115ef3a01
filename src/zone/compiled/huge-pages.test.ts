// Huge pages for zone arrays: the advice reaches the kernel (the mapping is flagged), small arrays are left alone.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adviseHugePages, hugePagesAvailable } from './huge-pages.js';
import { zoneInt32Array, zoneUint8Array, allocateShared } from './growable.js';

const required = process.env.REQUIRE_E2E === '1';
if (!hugePagesAvailable() && !required) console.warn('skipping huge page tests: the zone_memory addon is not built (npm run build:native)');
const maybe = !hugePagesAvailable() && !required ? describe.skip : describe;

/** Bytes of this process's mappings that carry the huge page advice (smaps VmFlags "hg"). */
function advisedBytes(): number {
  let total = 0;
  let size = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const [from, to] = line.split(' ')[0].split('-').map((h) => parseInt(h, 16));
      size = to - from;
    } else if (line.startsWith('VmFlags:') && line.split(' ').includes('hg')) {
      total += size;
    }
  }
  return total;
}

maybe('adviseHugePages', () => {
  it('flags the whole 2 MiB blocks inside a large array', () => {
    const before = advisedBytes();
    const array = new Uint8Array(16 << 20);
    const advised = adviseHugePages(array);
    expect(advised).toBeGreaterThanOrEqual(14 << 20);
    expect(advised % (2 << 20)).toBe(0);
    expect(advisedBytes() - before).toBeGreaterThanOrEqual(advised);
    array.fill(1); // touched after the advice: still the same bytes, whatever the page size
    expect(array[array.length - 1]).toBe(1);
  });

  it('leaves arrays under 4 MiB alone', () => {
    expect(adviseHugePages(new Int32Array(1 << 19))).toBe(0);
  });

  it('collapses memory already written, keeping its contents', () => {
    const array = new Int32Array(4 << 20);
    for (let i = 0; i < array.length; i += 1024) array[i] = i;
    expect(adviseHugePages(array, true)).toBeGreaterThan(0);
    for (let i = 0; i < array.length; i += 1024) expect(array[i]).toBe(i);
  });

  it('covers the final zone arrays, shared or not', () => {
    for (const shared of [false, true]) {
      allocateShared(shared);
      try {
        const before = advisedBytes();
        const a = zoneInt32Array(2 << 20);
        const b = zoneUint8Array(8 << 20);
        expect(a.buffer instanceof SharedArrayBuffer).toBe(shared);
        expect(advisedBytes() - before).toBeGreaterThanOrEqual(8 << 20);
        expect(b.length + a.length).toBeGreaterThan(0);
      } finally {
        allocateShared(false);
      }
    }
  });
});
