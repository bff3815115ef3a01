// Reads one zone file into a CompiledZone: origin discovery, hashing, parsing, compiling, every problem reported.

import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseZoneBuffer, parseZoneText } from '../text/parser.js';
import { nameFromText } from '../text/name-text.js';
import { ZoneCompiler, type CompileResult, type SizeHint } from '../compiled/compiler.js';
import { freeNow } from '../compiled/growable.js';
import type { ZoneProblem } from '../records/record.js';

export interface LoadOptions {
  /** Origin in presentation form; when absent it comes from a leading $ORIGIN, else the file name. */
  origin?: string;
  defaultTtl?: number;
  /** Hash of the version already serving: an identical file is reported unchanged without parsing. */
  previousHash?: string;
  /** Hand the file's bytes back with a good zone, so the caller can keep a last-good copy of exactly what it serves. */
  keepBytes?: boolean;
}

export interface LoadResult extends CompileResult {
  origin: string | null;
  /** SHA-256 of the file's bytes, hex; empty when the file could not be read. */
  hash: string;
  unchanged: boolean;
  /** The bytes that compiled into `zone`, when asked for with keepBytes. */
  bytes?: Uint8Array;
}

/** Zone files are named after their origin: "example.test.zone" (or ".db") serves example.test. */
export function originFromFileName(file: string): string | null {
  const m = /^(.+?)\.(zone|db)$/i.exec(basename(file));
  if (!m || m[1] === '') return null;
  return m[1] === 'root' ? '.' : `${m[1].replace(/\.$/, '')}.`;
}

/** A $ORIGIN that comes before any record sets the zone's origin. */
function originFromDirective(data: Buffer): string | null {
  for (const line of data.toString('latin1', 0, Math.min(data.length, 16384)).split('\n')) {
    const text = line.replace(/;.*/, '').trim();
    if (text === '' || /^\$TTL\s/i.test(text)) continue;
    const m = /^\$ORIGIN\s+(\S+)/i.exec(text);
    return m ? m[1] : null;
  }
  return null;
}

function failure(file: string, message: string, origin: string | null, hash = ''): LoadResult {
  const problem: ZoneProblem = { file, line: 0, message };
  return { zone: null, errors: [problem], warnings: [], origin, hash, unchanged: false };
}

const EMPTY = Buffer.alloc(0);

/** The compiler's size hint for a file: a record takes at least one line (more with $INCLUDE, which the compiler grows for). */
function sizeHint(data: Uint8Array): SizeHint {
  let lines = 1;
  for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) lines++;
  return { records: lines, bytes: data.length };
}

export function loadZoneFile(file: string, options: LoadOptions = {}): LoadResult {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    return failure(file, `cannot read zone file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, null);
  }
  const hash = createHash('sha256').update(data).digest('hex');
  if (options.previousHash === hash) return { zone: null, errors: [], warnings: [], origin: null, hash, unchanged: true };
  const origin = options.origin ?? originFromDirective(data) ?? originFromFileName(file);
  if (origin === null) return failure(file, 'cannot tell the zone origin: name the file <origin>.zone or start it with $ORIGIN', null, hash);
  if (!origin.endsWith('.')) return failure(file, `zone origin ${origin} must be an absolute name`, origin, hash);
  let originWire: Uint8Array;
  try {
    originWire = nameFromText(origin, null);
  } catch (e) {
    return failure(file, `bad zone origin ${origin}: ${(e as Error).message}`, origin, hash);
  }
  const compiler = new ZoneCompiler(originWire, file, sizeHint(data));
  parseZoneBuffer(data, file, { origin, defaultTtl: options.defaultTtl }, (rec) => compiler.add(rec), (problem) => compiler.addError(problem));
  const kept = options.keepBytes ? data : undefined;
  // The file's bytes (tens of MB for a big zone) go before the compiler makes its final arrays.
  if (!kept) freeNow(data);
  data = EMPTY;
  const result = compiler.finish();
  return { ...result, origin, hash, unchanged: false, ...(kept && result.zone ? { bytes: kept } : {}) };
}

/** Compiles zone text held in memory (tests, tools); the same path as a file without the file. */
export function compileZoneText(text: string, origin: string, file = 'zone'): CompileResult {
  const compiler = new ZoneCompiler(nameFromText(origin, null), file);
  parseZoneText(text, file, { origin }, (rec) => compiler.add(rec), (problem) => compiler.addError(problem));
  return compiler.finish();
}
