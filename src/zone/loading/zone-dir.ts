// The zones directory: which of its files are zone files.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
