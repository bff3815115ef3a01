// ZoneManager.patch: IXFR diffs applied to the served zone in the compile thread (shared arrays), in order; a refused
// diff changes nothing; a file that catches up with the served serial is taken without compiling it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DEFAULT_ZONE_MANAGER_OPTIONS, ZoneManager } from './zone-manager.js';
import { ZoneCompileWorker } from './compile-pool.js';
import { type CompiledZone, findNode } from '../compiled/compiled.js';
import type { ZonePatch } from '../compiled/patch.js';
import { packRecords } from '../records/packed-records.js';
import { serialInHeader } from '../../xfr/xfr-store.js';
import { nameFromText } from '../text/name-text.js';
import { hashNameBackward } from '../../wire/name.js';

const ORIGIN = 'sec.test.';
const soa = (serial: number) => {
  const rdata = Buffer.concat([Buffer.from(nameFromText(`ns1.${ORIGIN}`, null)), Buffer.from(nameFromText(`host.${ORIGIN}`, null)), Buffer.alloc(20)]);
  rdata.writeUInt32BE(serial, rdata.length - 20);
  rdata.writeUInt32BE(60, rdata.length - 4);
  return { name: nameFromText(ORIGIN, null), type: 6, ttl: 300, rdata: new Uint8Array(rdata) };
};
const a = (owner: string, last: number) => ({ name: nameFromText(`${owner}.${ORIGIN}`, null), type: 1, ttl: 300, rdata: new Uint8Array([192, 0, 2, last]) });
const text = (serial: number, body: string) => `; zone ${ORIGIN} serial ${serial} transferred by IXFR from test\n$ORIGIN ${ORIGIN}\n$TTL 300\n@ SOA ns1 host ${serial} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\n${body}`;
const diff = (from: number, deleted: ReturnType<typeof a>[], added: ReturnType<typeof a>[]): ZonePatch => ({
  fromSerial: from, toSerial: from + 1, steps: [{ deleted: packRecords([soa(from), ...deleted]), added: packRecords([soa(from + 1), ...added]) }],
});
const has = (zone: CompiledZone, owner: string) => {
  const name = nameFromText(`${owner}.${ORIGIN}`, null);
  return findNode(zone, hashNameBackward(name, 0, name.length), name, 0, name.length) >= 0;
};

describe('ZoneManager.patch', () => {
  let dir: string;
  let compiler: ZoneCompileWorker;
  let manager: ZoneManager;
  let served: CompiledZone[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-patch-'));
    writeFileSync(join(dir, `${ORIGIN}zone`), text(1, 'www A 192.0.2.80\n'));
    compiler = new ZoneCompileWorker(undefined, true);
    manager = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, dir, debounceMs: 20, deleteGraceMs: 0, headerSerial: serialInHeader }, compiler, (z) => (served = z), pino({ level: 'silent' }));
    await manager.start();
  });
  afterEach(async () => {
    manager.stop();
    await compiler.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies diffs sent back to back, in order, in shared memory', async () => {
    const results = await Promise.all([
      manager.patch(ORIGIN, diff(1, [a('www', 80)], [a('web', 81)])),
      manager.patch(ORIGIN, diff(2, [], [a('mail', 25)])),
    ]);
    expect(results).toEqual([null, null]);
    expect(served[0].meta.serial).toBe(3);
    expect(served[0].rdata.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([has(served[0], 'www'), has(served[0], 'web'), has(served[0], 'mail')]).toEqual([false, true, true]);
    expect([manager.diffsApplied, manager.diffsRefused]).toEqual([2, 0]);
  });

  it('refuses a diff that does not fit, keeping the zone served', async () => {
    const before = served[0];
    expect(await manager.patch(ORIGIN, diff(1, [a('nothere', 1)], []))).toMatch(/does not hold/);
    expect(await manager.patch(ORIGIN, diff(7, [], []))).toMatch(/starts at serial 7/);
    expect(await manager.patch('other.test.', diff(1, [], []))).toMatch(/not loaded/);
    expect(served[0]).toBe(before);
    expect(manager.diffsRefused).toBe(3);
  });

  it('takes the zone file that catches up with the diff without compiling it; a later file is compiled', async () => {
    expect(await manager.patch(ORIGIN, diff(1, [], [a('web', 81)]))).toBeNull();
    const patched = served[0];
    writeFileSync(join(dir, `${ORIGIN}zone`), text(2, 'www A 192.0.2.80\nweb A 192.0.2.81\n'));
    await manager.sync(false);
    expect(served[0]).toBe(patched);
    expect(manager.status()[0]).toMatchObject({ serial: 2, lastError: null });
    writeFileSync(join(dir, `${ORIGIN}zone`), text(3, 'www A 192.0.2.80\n'));
    await manager.sync(false);
    expect(served[0].meta.serial).toBe(3);
    expect(has(served[0], 'web')).toBe(false);
  });

  it('leaves a zone file that lags behind the diffs served alone: no compile, no error', async () => {
    await manager.patch(ORIGIN, diff(1, [], [a('web', 81)]));
    await manager.patch(ORIGIN, diff(2, [], [a('mail', 25)]));
    const patched = served[0];
    writeFileSync(join(dir, `${ORIGIN}zone`), text(2, 'www A 192.0.2.80\nweb A 192.0.2.81\n'));
    await manager.sync(false);
    expect(served[0]).toBe(patched);
    expect(manager.loadErrors).toBe(0);
    expect(manager.status()[0]).toMatchObject({ serial: 3, lastError: null });
  });
});
