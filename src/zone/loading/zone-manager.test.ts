// Tests for the zone manager against a real directory and the real compile worker: every update pattern operators use.

import { mkdtempSync, writeFileSync, renameSync, rmSync, symlinkSync, mkdirSync, unlinkSync, appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ZoneManager, DEFAULT_ZONE_MANAGER_OPTIONS, type ZoneManagerOptions } from './zone-manager.js';
import { ZoneCompileWorker, type ZoneCompileService } from './compile-pool.js';
import type { CompiledZone } from '../compiled/compiled.js';

const log = pino({ level: 'silent' });

function zoneText(serial: number, extra = '', origin = 'example.test.'): string {
  return `$ORIGIN ${origin}\n$TTL 300\n@ SOA ns1 host ${serial} 7200 900 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\n${extra}`;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ZoneManager', () => {
  let dir: string;
  let compiler: ZoneCompileWorker;
  let manager: ZoneManager | null;
  let swapped: CompiledZone[][];

  const serials = () => Object.fromEntries((swapped.at(-1) ?? []).map((z) => [z.meta.origin, z.meta.serial]));

  async function start(dirPath: string, opts: Partial<ZoneManagerOptions> = {}): Promise<ZoneManager> {
    manager = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 30, rescanMs: 200, dir: dirPath, ...opts }, compiler, (z) => swapped.push(z), log);
    await manager.start();
    return manager;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-zones-'));
    compiler = new ZoneCompileWorker();
    swapped = [];
    manager = null;
  });

  afterEach(async () => {
    manager?.stop();
    await compiler.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two directories side by side (--zones and --xfr-dir): the same origin is refused in the second, the first stays', async () => {
    const files = await start(dir);
    writeFileSync(join(dir, 'example.test.zone'), zoneText(1));
    await files.sync(false);
    const xfrDir = mkdtempSync(join(tmpdir(), 'anycastd-xfr-'));
    writeFileSync(join(xfrDir, 'example.test.zone'), zoneText(7));
    writeFileSync(join(xfrDir, 'sec.test.zone'), zoneText(3, '', 'sec.test.'));
    const xfr = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 30, rescanMs: 200, dir: xfrDir, deleteGraceMs: 0 }, compiler, () => {}, log);
    xfr.servedElsewhere = (origin) => files.fileServing(origin);
    files.servedElsewhere = (origin) => xfr.fileServing(origin);
    await xfr.start();
    expect(xfr.zones().map((z) => z.meta.origin)).toEqual(['sec.test.']);
    expect(xfr.status().find((z) => z.file.endsWith('example.test.zone'))?.lastError).toMatch(/example\.test\. is already served from .*anycastd-zones-.*example\.test\.zone/);
    expect(serials()).toEqual({ 'example.test.': 1 });
    // No delete grace there: a removed file's zone goes at the next pass.
    unlinkSync(join(xfrDir, 'sec.test.zone'));
    await xfr.sync(false);
    expect(xfr.zones()).toEqual([]);
    xfr.stop();
    rmSync(xfrDir, { recursive: true, force: true });
  });

  it('reports the earliest signature expiry and logs once when it is within a day', async () => {
    const soon = new Date(Date.now() + 12 * 3600_000);
    const stamp = soon.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    writeFileSync(join(dir, 'example.test.zone'), zoneText(1, `@ RRSIG SOA 13 2 300 ${stamp} 20260101000000 1 example.test. AAAA\n`));
    const lines: string[] = [];
    const capture = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    manager = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 30, rescanMs: 200, dir }, compiler, (z) => swapped.push(z), capture);
    await manager.start();
    const status = manager.status();
    expect(status[0].signatureExpiry).toBe(Math.floor(soon.getTime() / 1000));
    manager.status();
    const warnings = lines.filter((l) => l.includes('within a day'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('example.test. RRSIG(SOA)');
  });

  it('loads every zone at start, origin from $ORIGIN or file name', async () => {
    writeFileSync(join(dir, 'example.test.zone'), zoneText(1));
    writeFileSync(join(dir, 'other.test.zone'), zoneText(5, '', 'other.test.').replace('$ORIGIN other.test.\n', ''));
    writeFileSync(join(dir, '.hidden.zone'), 'garbage');
    writeFileSync(join(dir, 'example.test.zone~'), 'garbage');
    await start(dir);
    expect(serials()).toEqual({ 'example.test.': 1, 'other.test.': 5 });
  });

  it('picks up a file written in place', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    await start(dir);
    writeFileSync(file, zoneText(2, 'www A 192.0.2.80\n'));
    await until(() => serials()['example.test.'] === 2);
    expect(swapped.at(-1)![0].meta.records).toBe(4);
  });

  it('picks up a temp file renamed over the zone (rsync, editors)', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    await start(dir);
    writeFileSync(join(dir, '.example.test.zone.XXXXXX'), zoneText(3));
    renameSync(join(dir, '.example.test.zone.XXXXXX'), file);
    await until(() => serials()['example.test.'] === 3);
  });

  it('follows a swapped directory symlink (current -> releases/N)', async () => {
    mkdirSync(join(dir, 'releases/1'), { recursive: true });
    mkdirSync(join(dir, 'releases/2'), { recursive: true });
    writeFileSync(join(dir, 'releases/1/example.test.zone'), zoneText(10));
    writeFileSync(join(dir, 'releases/2/example.test.zone'), zoneText(11));
    symlinkSync('releases/1', join(dir, 'current'));
    await start(join(dir, 'current'));
    expect(serials()['example.test.']).toBe(10);
    symlinkSync('releases/2', join(dir, 'current.new'));
    renameSync(join(dir, 'current.new'), join(dir, 'current'));
    await until(() => serials()['example.test.'] === 11);
  });

  it('keeps the old zone when the new file is broken, and reports file:line', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    const m = await start(dir);
    writeFileSync(file, zoneText(2, 'bad A 300.1.2.3\n'));
    await until(() => m.loadErrors === 1);
    expect(serials()['example.test.']).toBe(1);
    const st = m.status()[0];
    expect(st.serial).toBe(1);
    expect(st.lastError).toMatch(/example\.test\.zone:6: .*300\.1\.2\.3/);
    writeFileSync(file, zoneText(2, 'good A 192.0.2.9\n'));
    await until(() => serials()['example.test.'] === 2);
    expect(m.status()[0].lastError).toBeNull();
  });

  it('never serves a half-written file: an invalid prefix keeps the old zone', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    const m = await start(dir);
    const full = zoneText(2, 'www A 192.0.2.80\nmail MX 10 www\n');
    writeFileSync(file, full.slice(0, full.indexOf('mail MX 10') + 6)); // cut inside a record
    await until(() => m.loadErrors >= 1);
    expect(serials()['example.test.']).toBe(1);
    appendFileSync(file, full.slice(full.indexOf('mail MX 10') + 6));
    await until(() => serials()['example.test.'] === 2);
  });

  it('refuses a serial that goes backwards unless allowed', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(100));
    const m = await start(dir);
    writeFileSync(file, zoneText(99, 'x A 192.0.2.9\n'));
    await until(() => m.loadErrors === 1);
    expect(m.status()[0].lastError).toMatch(/serial went backwards \(100 -> 99\)/);
    expect(serials()['example.test.']).toBe(100);
  });

  it('accepts a rollback when configured', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(100));
    await start(dir, { allowSerialRollback: true });
    writeFileSync(file, zoneText(99));
    await until(() => serials()['example.test.'] === 99);
  });

  it('drops a deleted zone only after the grace period, and keeps it if the file returns', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    writeFileSync(join(dir, 'other.test.zone'), zoneText(1, '', 'other.test.'));
    const m = await start(dir, { deleteGraceMs: 600 });
    unlinkSync(file);
    await until(() => m.status().some((s) => s.removeAt !== null));
    expect(Object.keys(serials())).toContain('example.test.');
    await until(() => !Object.keys(serials()).includes('example.test.'), 4000);
    expect(Object.keys(serials())).toEqual(['other.test.']);

    unlinkSync(join(dir, 'other.test.zone'));
    await until(() => m.status().some((s) => s.removeAt !== null));
    writeFileSync(join(dir, 'other.test.zone'), zoneText(1, '', 'other.test.'));
    await new Promise((r) => setTimeout(r, 900));
    expect(Object.keys(serials())).toEqual(['other.test.']);
  });

  it('recompiles only changed files, and everything on reload()', async () => {
    writeFileSync(join(dir, 'example.test.zone'), zoneText(1));
    writeFileSync(join(dir, 'other.test.zone'), zoneText(1, '', 'other.test.'));
    const m = await start(dir);
    const before = swapped.length;
    const first = swapped.at(-1)!.find((z) => z.meta.origin === 'other.test.');
    writeFileSync(join(dir, 'example.test.zone'), zoneText(2));
    await until(() => serials()['example.test.'] === 2);
    expect(swapped.at(-1)!.find((z) => z.meta.origin === 'other.test.')).toBe(first); // untouched zone reused
    await m.reload();
    expect(swapped.length).toBeGreaterThan(before + 1);
  });

  it('refuses a second file for an origin already served', async () => {
    writeFileSync(join(dir, 'example.test.zone'), zoneText(1));
    writeFileSync(join(dir, 'zz-copy.zone'), zoneText(2)); // files load in name order: the first one wins
    const m = await start(dir);
    expect(serials()).toEqual({ 'example.test.': 1 });
    expect(m.status().find((s) => s.file.endsWith('zz-copy.zone'))!.lastError).toMatch(/already served from .*example\.test\.zone/);
  });
});

// With the default 5 s rescan out of the way, only the watch can make these changes seen in time.
describe('ZoneManager sees changes right after start', () => {
  let dir: string;
  let compiler: ZoneCompileWorker;
  let manager: ZoneManager | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-zones-'));
    compiler = new ZoneCompileWorker(50);
  });
  afterEach(async () => {
    manager?.stop();
    await compiler.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const renameOver = (file: string, text: string) => {
    writeFileSync(join(dir, '.tmp-upload'), text);
    renameSync(join(dir, '.tmp-upload'), file);
  };

  it('a file renamed over while the other files still load at start', async () => {
    const a = join(dir, 'a.test.zone');
    writeFileSync(a, zoneText(1, '', 'a.test.'));
    writeFileSync(join(dir, 'b.test.zone'), zoneText(1, '', 'b.test.'));
    let swapped: CompiledZone[] = [];
    // The operator replaces a.test.zone just after it loaded, while b.test.zone is being compiled.
    const racing: ZoneCompileService = {
      compile(file, options) {
        if (file.endsWith('b.test.zone') && swapped.length === 0) renameOver(a, zoneText(2, '', 'a.test.'));
        return compiler.compile(file, options);
      },
    };
    manager = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 30, rescanMs: 60_000, dir }, racing, (z) => (swapped = z), log);
    await manager.start();
    await until(() => swapped.find((z) => z.meta.origin === 'a.test.')?.meta.serial === 2, 2000);
  });

  it('a file renamed over as the idle compile thread retires', async () => {
    const file = join(dir, 'example.test.zone');
    writeFileSync(file, zoneText(1));
    let swapped: CompiledZone[] = [];
    manager = new ZoneManager({ ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 1, rescanMs: 60_000, dir }, compiler, (z) => (swapped = z), log);
    await manager.start();
    for (let serial = 2; serial <= 6; serial++) {
      // Change the file at the moment the thread is told to end, so its compile goes to a new thread.
      while (compiler.threadRunning) await new Promise((r) => setImmediate(r));
      renameOver(file, zoneText(serial));
      await until(() => swapped[0]?.meta.serial === serial);
      expect(manager.status()[0].lastError).toBeNull();
    }
  });
});

describe('ZoneManager last-good copies', () => {
  it('serves the last good copy when the file is broken at start, and keeps it current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anycastd-zones-'));
    const cache = join(dir, '.cache'); // hidden: never read as a zone
    const compiler = new ZoneCompileWorker();
    const swapped: CompiledZone[][] = [];
    const opts = { ...DEFAULT_ZONE_MANAGER_OPTIONS, debounceMs: 30, rescanMs: 200, dir, cacheDir: cache };
    const file = join(dir, 'example.test.zone');
    try {
      writeFileSync(file, zoneText(7));
      const first = new ZoneManager(opts, compiler, (z) => swapped.push(z), log);
      await first.start();
      await until(() => existsSync(join(cache, 'example.test.zone')));
      first.stop();

      // The file breaks while the service is down; a restart must not lose the zone.
      writeFileSync(file, zoneText(8, 'bad A 1.2.3\n'));
      const second = new ZoneManager(opts, compiler, (z) => swapped.push(z), log);
      await second.start();
      expect(swapped.at(-1)!.map((z) => [z.meta.origin, z.meta.serial])).toEqual([['example.test.', 7]]);
      expect(second.status()[0].lastError).toMatch(/example\.test\.zone:6: .*; serving the last good copy \(serial 7\)/);

      // A good new version replaces it, and becomes the new last-good copy.
      writeFileSync(file, zoneText(9));
      await until(() => swapped.at(-1)![0].meta.serial === 9);
      await until(() => readFileSync(join(cache, 'example.test.zone'), 'utf8').includes(' 9 7200'));
      second.stop();
    } finally {
      await compiler.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
