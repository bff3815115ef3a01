import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakePrimary, a, axfrSteps, ns, soa, type Rec } from './fake-primary.test-util.js';
import { Secondaries } from './secondaries.js';
import { zoneFilePath } from './xfr-store.js';
import { catalogDir } from './catalog-consumer.js';

const CAT = 'cat.test';
const ptr = (label: string, zone: string): Rec => ({ name: `${label}.zones.${CAT}`, type: 'PTR', ttl: 0, data: zone });
const version = (v: string): Rec => ({ name: `version.${CAT}`, type: 'TXT', ttl: 0, data: v });
let catalog: { serial: number; records: Rec[] } = { serial: 1, records: [version('2'), ptr('u1', 'a.test'), ptr('u2', 'b.test')] };

const primary = new FakePrimary((q) => {
  if (q.name === CAT) {
    if (q.type === 'IXFR' && q.ixfrSerial === catalog.serial) return [{ records: [soa(CAT, catalog.serial)] }];
    return axfrSteps(CAT, catalog.serial, [ns(CAT), ...catalog.records]);
  }
  if (q.type === 'IXFR' && q.ixfrSerial === 1) return [{ records: [soa(q.name, 1)] }];
  return axfrSteps(q.name, 1, [ns(q.name), a(`www.${q.name}`, '192.0.2.1')]);
});
const dir = mkdtempSync(join(tmpdir(), 'anycastd-cat-'));
const log = pino({ level: 'silent' });
let running: Secondaries[] = [];

function consumer(): Secondaries {
  const s = new Secondaries({ zones: [], catalogs: [{ origin: `${CAT}.`, host: '127.0.0.1', port: primary.port, keyName: null }], keys: [], dir, keepExpiredAnnounced: false }, () => {}, log);
  s.servedFromFile = (origin) => origin === 'b.test.';
  running.push(s);
  return s;
}
async function until(what: string, f: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !f(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
}
afterEach(() => {
  for (const s of running) s.stop();
  running = [];
});

describe('catalog consumer (RFC 9432) against a scripted primary', () => {
  it('follows members; ignores one served from a file; keeps the last good set of a broken catalog; label change = remove + add; persists', async () => {
    await primary.start();
    const s = consumer();
    s.start();
    await until('a.test loaded', () => s.zones.get('a.test.')?.serial === 1);
    expect(s.zones.has('b.test.')).toBe(false); // served from --zones: ignored (section 5.2)
    expect(s.catalogStatus()[0]).toMatchObject({ members: ['a.test.', 'b.test.'], lastError: null });

    catalog = { serial: 2, records: [version('1'), ptr('u1', 'a.test')] };
    s.notify(`${CAT}.`);
    await until('broken catalog noticed', () => /version.*"1".*keeping the last good member set/.test(s.catalogStatus()[0].lastError ?? ''));
    expect(s.catalogStatus()[0].members).toEqual(['a.test.', 'b.test.']);
    const first = s.zones.get('a.test.');
    expect(first?.serial).toBe(1);

    catalog = { serial: 3, records: [version('2'), ptr('u9', 'a.test'), ptr('u3', 'c.test')] };
    s.notify(`${CAT}.`);
    await until('c.test loaded', () => s.zones.get('c.test.')?.serial === 1);
    await until('a.test re-added', () => s.zones.get('a.test.') !== first && s.zones.get('a.test.')?.serial === 1);

    catalog = { serial: 4, records: [version('2'), ptr('u3', 'c.test')] };
    s.notify(`${CAT}.`);
    await until('a.test removed', () => !s.zones.has('a.test.'));
    await until('its file deleted', () => !existsSync(zoneFilePath(dir, 'a.test.')));
    expect(existsSync(zoneFilePath(dir, 'c.test.'))).toBe(true);
    const saved = join(catalogDir(dir), `.${CAT}.members.json`);
    await until('membership persisted', () => existsSync(saved) && JSON.parse(readFileSync(saved, 'utf8')).serial === 4);
    s.stop();

    // A restart with the primary gone: the persisted member set, served from --xfr-dir.
    await primary.stop();
    const again = consumer();
    again.start();
    expect([...again.zones.keys()]).toEqual(['c.test.']);
    expect(again.zones.get('c.test.')?.serial).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
