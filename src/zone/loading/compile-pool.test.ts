// The compile thread: runs from the TypeScript sources under vitest (no build), and a retiring thread never fails a newer one's work.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZoneCompileWorker } from './compile-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'anycastd-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'example.test.zone');
writeFileSync(file, '$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 7 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\n');

describe('ZoneCompileWorker', () => {
  it('compiles in a thread started from the .ts sources when run under vitest', async () => {
    expect(import.meta.url.endsWith('.ts')).toBe(true);
    const pool = new ZoneCompileWorker();
    try {
      const r = await pool.compile(file);
      expect(r.errors).toEqual([]);
      expect(r.zone?.meta).toMatchObject({ origin: 'example.test.', serial: 7, records: 3 });
    } finally {
      await pool.close();
    }
  });

  it('answers a compile sent while the idle thread is still exiting', async () => {
    const pool = new ZoneCompileWorker(10);
    try {
      for (let round = 0; round < 3; round++) {
        await pool.compile(file);
        // The moment the idle thread is told to end: its exit comes after the next compile has gone to a new thread.
        while (pool.threadRunning) await new Promise((r) => setImmediate(r));
        const r = await pool.compile(file);
        expect(r.zone?.meta.serial).toBe(7);
      }
    } finally {
      await pool.close();
    }
  });
});
