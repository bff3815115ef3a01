// Reads one zone file into a CompiledZone: origin discovery, parsing, compiling, with every problem reported.

import { basename } from 'node:path';
import { openSync, readSync, closeSync } from 'node:fs';
import { parseZoneFile, parseZoneText } from './parser.js';
import { nameFromText } from './name-text.js';
import { ZoneCompiler, type CompileResult } from './compiler.js';
import type { ZoneProblem } from './record.js';

export interface LoadOptions {
  /** Origin in presentation form; when absent it comes from a leading $ORIGIN, else the file name. */
  origin?: string;
  defaultTtl?: number;
}

/** Zone files are named after their origin: "example.test.zone" (or ".db") serves example.test. */
export function originFromFileName(file: string): string | null {
  const m = /^(.+?)\.(zone|db)$/i.exec(basename(file));
  if (!m || m[1] === '') return null;
  return m[1] === 'root' ? '.' : `${m[1].replace(/\.$/, '')}.`;
}

/** A $ORIGIN that comes before any record sets the zone's origin (only the head of the file is read). */
function originFromDirective(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(16384);
    const n = readSync(fd, buf, 0, buf.length, 0);
    for (const line of buf.toString('latin1', 0, n).split('\n')) {
      const text = line.replace(/;.*/, '').trim();
      if (text === '' || /^\$TTL\s/i.test(text)) continue;
      const m = /^\$ORIGIN\s+(\S+)/i.exec(text);
      return m ? m[1] : null;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

export function loadZoneFile(file: string, options: LoadOptions = {}): CompileResult & { origin: string | null } {
  const origin = options.origin ?? originFromDirective(file) ?? originFromFileName(file);
  if (origin === null || !origin.endsWith('.')) {
    const problem: ZoneProblem = {
      file, line: 0,
      message: origin === null
        ? 'cannot tell the zone origin: name the file <origin>.zone or start it with $ORIGIN'
        : `zone origin ${origin} must be an absolute name`,
    };
    return { zone: null, errors: [problem], warnings: [], origin };
  }
  let originWire: Uint8Array;
  try {
    originWire = nameFromText(origin, null);
  } catch (e) {
    return { zone: null, errors: [{ file, line: 0, message: `bad zone origin ${origin}: ${(e as Error).message}` }], warnings: [], origin };
  }
  const compiler = new ZoneCompiler(originWire, file);
  parseZoneFile(
    file,
    { origin, defaultTtl: options.defaultTtl },
    (rec) => compiler.add(rec),
    (problem) => compiler.addError(problem),
  );
  return { ...compiler.finish(), origin };
}

/** Compiles zone text held in memory (tests, tools); the same path as a file without the file. */
export function compileZoneText(text: string, origin: string, file = 'zone'): CompileResult {
  const compiler = new ZoneCompiler(nameFromText(origin, null), file);
  parseZoneText(text, file, { origin }, (rec) => compiler.add(rec), (problem) => compiler.addError(problem));
  return compiler.finish();
}
