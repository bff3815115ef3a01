// `anycastd check FILE|DIR`: parses and checks zones, one line per zone, file:line errors, exit 1 on any error.

import { statSync } from 'node:fs';
import { loadZoneFile } from '../zone/loading/load.js';
import { listZoneFiles } from '../zone/loading/zone-dir.js';
import type { ZoneMeta } from '../zone/compiled/compiled.js';

const WEEK_SECONDS = 7 * 86400;

const isoSeconds = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

/** A signature that has expired, or will within a week, needs re-signing now (RFC 4034 section 3.1.5). */
export function expiryWarning(m: ZoneMeta, now: number, within = WEEK_SECONDS): string | null {
  if (m.signatureExpiry === 0) return null;
  const when = isoSeconds(m.signatureExpiry);
  if (m.signatureExpiry <= now) return `signature ${m.signatureExpiryRecord} expired at ${when}: validating resolvers reject the zone; re-sign it`;
  if (m.signatureExpiry - now <= within) return `signature ${m.signatureExpiryRecord} expires at ${when}, within ${Math.round(within / 86400)} days; re-sign the zone`;
  return null;
}

export function runCheck(target: string, out: (line: string) => void, err: (line: string) => void): number {
  let files: string[];
  try {
    files = statSync(target).isDirectory() ? listZoneFiles(target) : [target];
  } catch (e) {
    err(`${target}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    return 1;
  }
  if (files.length === 0) {
    err(`${target}: no zone files found`);
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    const started = process.hrtime.bigint();
    const result = loadZoneFile(file);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    for (const w of result.warnings) err(`${w.file}:${w.line}: warning: ${w.message}`);
    if (result.zone === null) {
      failed++;
      for (const e of result.errors) err(`${e.file}:${e.line}: ${e.message}`);
      continue;
    }
    const m = result.zone.meta;
    const signed = m.signatureExpiry > 0 ? ` signatures valid until ${isoSeconds(m.signatureExpiry)}` : '';
    out(`${m.origin} serial ${m.serial} records ${m.records}${signed} loaded in ${ms.toFixed(1)} ms (${file})`);
    const expiry = expiryWarning(m, Date.now() / 1000);
    if (expiry) err(`${m.signatureExpiryWhere}: warning: ${expiry}`);
  }
  return failed ? 1 : 0;
}
