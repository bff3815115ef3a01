// Generated zones for the benches, made once with bench/gen-zone.mjs and kept in bench/results/tmp/ (git-ignored).
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const TMP_DIR = join(BENCH_DIR, 'results', 'tmp');
export const ORIGIN = 'bench.test.'; // gen-zone.mjs's default origin
export const SERIAL = 2024010101; // the serial gen-zone.mjs writes

/**
 * Path of a generated zone of `names` names, in a directory of its own (so `serve --zones DIR` serves just it),
 * named <origin>.zone as the server expects. Generates it on first use, through a temp file and a rename.
 */
export function cachedZone(names, origin = ORIGIN) {
  const dir = join(TMP_DIR, origin === ORIGIN ? `zone-${names}` : `zone-${names}-${origin.replace(/\.$/, '')}`);
  const file = join(dir, `${origin}zone`);
  if (existsSync(file) && statSync(file).size > 0) return { dir, file, origin, generated: false };
  mkdirSync(dir, { recursive: true });
  const partial = join(TMP_DIR, `.zone-${names}-${origin}partial`); // outside dir: never seen as a zone by the server
  execFileSync(process.execPath, [join(BENCH_DIR, 'gen-zone.mjs'), String(names), partial, origin], { stdio: 'inherit' });
  renameSync(partial, file);
  return { dir, file, origin, generated: true };
}
