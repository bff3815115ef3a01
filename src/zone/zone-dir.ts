// The zones directory: which files are zones, and loading them all so that a broken file never replaces a good zone.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledZone } from './compiled.js';
import type { ZoneProblem } from './record.js';
import type { ZoneCompileWorker } from './compile-pool.js';

/** Editor backups, temp files of rsync and friends, and hidden files are never zones. */
export function isZoneFileName(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith('~') && !/\.(tmp|swp|bak|orig|rej)$/i.test(name) && !/^#.*#$/.test(name);
}

export function listZoneFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(isZoneFileName)
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false; // vanished between readdir and stat
      }
    })
    .sort();
}

export interface DirLoadResult {
  zones: CompiledZone[];
  /** Problems per file: these files keep serving their previous version, if any. */
  failed: { file: string; errors: ZoneProblem[] }[];
  warnings: ZoneProblem[];
}

/**
 * Compiles every zone file in dir. A file that fails keeps its previous zone (from `previous`, matched by
 * file path), so a bad edit never takes a zone down.
 */
export async function loadZoneDir(dir: string, compiler: ZoneCompileWorker, previous: readonly CompiledZone[]): Promise<DirLoadResult> {
  const result: DirLoadResult = { zones: [], failed: [], warnings: [] };
  const seen = new Set<string>();
  for (const file of listZoneFiles(dir)) {
    const r = await compiler.compile(file).catch((err: Error) => ({
      zone: null, origin: null, warnings: [], errors: [{ file, line: 0, message: err.message }],
    }));
    result.warnings.push(...r.warnings);
    let zone = r.zone;
    if (zone === null) {
      result.failed.push({ file, errors: r.errors });
      zone = previous.find((z) => z.meta.file === file) ?? null;
    }
    if (zone === null) continue;
    if (seen.has(zone.meta.origin)) {
      result.failed.push({ file, errors: [{ file, line: 0, message: `zone ${zone.meta.origin} is already served from another file; ignoring this one` }] });
      continue;
    }
    seen.add(zone.meta.origin);
    result.zones.push(zone);
  }
  return result;
}
