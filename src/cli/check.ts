// `anycastd check FILE|DIR`: parses and checks zones, one line per zone, file:line errors, exit 1 on any error.

import { statSync } from 'node:fs';
import { loadZoneFile } from '../zone/load.js';
import { listZoneFiles } from '../zone/zone-dir.js';

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
    out(`${m.origin} serial ${m.serial} records ${m.records} loaded in ${ms.toFixed(1)} ms (${file})`);
  }
  return failed ? 1 : 0;
}
