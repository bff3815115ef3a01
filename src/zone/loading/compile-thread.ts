// Worker thread entry: compiles one zone file, or applies an IXFR diff to a compiled zone, off the event loop, and
// hands the typed arrays back without copying.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadZoneFile, type LoadOptions, type LoadResult } from './load.js';
import { type CompiledZone, shareZone, transferList } from '../compiled/compiled.js';
import { PatchRefused, type ZonePatch, patchZone } from '../compiled/patch.js';
import { collectGarbageSoon } from './gc.js';
import { allocateShared } from '../compiled/growable.js';
import { foldHugePagesSoon, zoneHugePageRanges } from '../compiled/huge-pages.js';

export interface CompileRequest {
  id: number;
  file: string;
  options: LoadOptions;
  /** Put the zone in SharedArrayBuffers (thread mode: one copy read by every data-path thread). */
  shared?: boolean;
}

/** A diff for a zone already compiled; the zone comes in SharedArrayBuffers, so posting it copies nothing. */
export interface PatchRequest {
  id: number;
  zone: CompiledZone;
  patch: ZonePatch;
  shared?: boolean;
}

/** Thread -> pool: still folding a zone into huge pages (so not idle), or done. */
export interface FoldingNotice {
  folding: boolean;
}

export type PatchReply = { zone: CompiledZone; error?: undefined } | { zone?: undefined; error: string; refused: boolean };

/**
 * On a small machine the compile thread competes with the query thread for a core; at nice 19 it
 * only takes what queries leave. Linux nice values are per thread, and /proc/thread-self names ours.
 */
function lowerOwnPriority(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
  } catch {
    // Not Linux, or not allowed: compiling at normal priority still works.
  }
}

if ((workerData as { background?: boolean } | null)?.background !== false) lowerOwnPriority();

function applyPatch(req: PatchRequest): void {
  allocateShared(req.shared === true);
  let reply: PatchReply;
  try {
    reply = { zone: patchZone(req.zone, req.patch) };
  } catch (e) {
    // Refused: the caller compiles the zone file instead. Anything else is a bug, reported as this diff's error.
    reply = { error: e instanceof PatchRefused ? e.message : `internal error: ${(e as Error).stack}`, refused: e instanceof PatchRefused };
  }
  parentPort!.postMessage({ id: req.id, result: reply }, reply.zone && !req.shared ? transferList(reply.zone) : []);
  // This thread's wrappers of the old and new zone would keep both alive after the data path drops them.
  if (req.shared) collectGarbageSoon(0);
}

parentPort!.on('message', (req: CompileRequest | PatchRequest) => {
  if ('patch' in req) return applyPatch(req);
  let result: LoadResult;
  // Shared mode: the compiler's final arrays go straight into SharedArrayBuffers, no second copy.
  allocateShared(req.shared === true);
  try {
    result = loadZoneFile(req.file, req.options);
  } catch (e) {
    // A compiler bug must not take the service down; it becomes this zone's error.
    result = { zone: null, errors: [{ file: req.file, line: 0, message: `internal error: ${(e as Error).stack}` }], warnings: [], origin: null, hash: '', unchanged: false };
  }
  if (result.zone && req.shared) shareZone(result.zone);
  // Shared buffers are shared by posting them; only plain ones go in the transfer list.
  const transfer = result.zone && !req.shared ? transferList(result.zone) : [];
  // readFileSync gives a file its own ArrayBuffer, so the bytes move across without a copy too.
  if (result.bytes && result.bytes.byteLength === result.bytes.buffer.byteLength) transfer.push(result.bytes.buffer as ArrayBuffer);
  const ranges = result.zone ? zoneHugePageRanges(result.zone) : [];
  parentPort!.postMessage({ id: req.id, result }, transfer);
  // After the hand-over, so the zone is served meanwhile (huge-pages.ts); the pool keeps this thread until done.
  if (ranges.length > 0) {
    parentPort!.postMessage({ folding: true } satisfies FoldingNotice);
    foldHugePagesSoon(ranges, () => parentPort!.postMessage({ folding: false } satisfies FoldingNotice));
  }
  // Our wrappers of the shared arrays would keep the zone alive after the data threads drop it.
  if (req.shared) collectGarbageSoon(0);
});
