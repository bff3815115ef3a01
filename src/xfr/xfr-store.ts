// --xfr-dir: one zone file per transferred zone (read by the workers like a zones directory) and, beside it,
// a hidden state file with the time of the last successful refresh, so a restart never makes an expired zone fresh.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.js';
import { parseZoneText } from '../zone/text/parser.js';
import type { ZoneProblem } from '../zone/records/record.js';
import type { WireRR } from './message.js';
import { ZoneData } from './zone-data.js';

export interface SecondaryState {
  origin: string;
  primary: string;
  serial: number;
  /** Epoch ms of the last successful refresh (transfer or "up to date"). */
  lastRefreshAt: number;
  /** The SOA EXPIRE in force, seconds. */
  expire: number;
}

const base = (origin: string) => (origin === '.' ? 'root.' : origin);
export const zoneFilePath = (dir: string, origin: string) => join(dir, `${base(origin)}zone`);
/** Hidden (leading dot): the zones directory loader skips it. */
export const stateFilePath = (dir: string, origin: string) => join(dir, `.${base(origin)}state.json`);

/** Written as the file's first line; the workers read the serial back from it (serialInHeader). */
export async function saveZone(dir: string, data: ZoneData, how: string, superseded?: () => boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const text = await data.toTextInSlices(`zone ${data.origin} serial ${data.soa.serial} ${how}`, superseded);
  await writeFileAtomic(zoneFilePath(dir, data.origin), text);
}

/**
 * The serial a file in --xfr-dir holds, from its first line, without reading the rest: a worker that already
 * serves that serial (from the IXFR diff) need not compile the file. Null for any other file.
 */
export function serialInHeader(file: string): number | null {
  const head = Buffer.alloc(512);
  let fd = -1;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    const m = /^; zone \S+ serial (\d+) /.exec(head.toString('latin1', 0, n));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

export async function saveState(dir: string, state: SecondaryState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(stateFilePath(dir, state.origin), JSON.stringify(state) + '\n');
}

/** The persisted state; without a state file, a zone file's mtime stands in (never fresher than the file). */
export function loadState(dir: string, origin: string): SecondaryState | null {
  try {
    const s = JSON.parse(readFileSync(stateFilePath(dir, origin), 'utf8')) as SecondaryState;
    if (typeof s.lastRefreshAt === 'number' && typeof s.serial === 'number' && typeof s.expire === 'number') return s;
  } catch {
    // missing or unreadable: fall through
  }
  return null;
}

export function zoneFileMtime(dir: string, origin: string): number | null {
  try {
    return statSync(zoneFilePath(dir, origin)).mtimeMs;
  } catch {
    return null;
  }
}

/** Reads a zone file written earlier back into records (for IXFR after a restart). */
export function loadZoneData(dir: string, origin: string): { data: ZoneData | null; error: string | null } {
  const file = zoneFilePath(dir, origin);
  if (!existsSync(file)) return { data: null, error: null };
  const records: WireRR[] = [];
  const problems: ZoneProblem[] = [];
  parseZoneText(readFileSync(file, 'utf8'), file, { origin }, (r) => records.push({ name: r.owner, type: r.type, class: r.klass, ttl: r.ttl, rdata: r.rdata, start: 0, end: 0 }), (p) => problems.push(p));
  if (problems.length) return { data: null, error: `${problems[0].file}:${problems[0].line}: ${problems[0].message}` };
  try {
    return { data: new ZoneData(origin, records), error: null };
  } catch (err) {
    return { data: null, error: (err as Error).message };
  }
}

/** Worker side, at start: which zones in the directory are already past their expiry. */
export function expiredAt(dir: string, origin: string, now: number): boolean {
  const s = loadState(dir, origin);
  if (s) return now >= s.lastRefreshAt + s.expire * 1000;
  return false;
}
