// Worker thread entry: compiles one zone file off the event loop and hands the typed arrays back without copying.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadZoneFile, type LoadOptions, type LoadResult } from './load.js';
import { shareZone, transferList } from '../compiled/compiled.js';
import { collectGarbageSoon } from './gc.js';
import { allocateShared } from '../compiled/growable.js';

export interface CompileRequest {
  id: number;
  file: string;
  options: LoadOptions;
  /** Put the zone in SharedArrayBuffers (thread mode: one copy read by every data-path thread). */
  shared?: boolean;
}

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

lowerOwnPriority();

parentPort!.on('message', (req: CompileRequest) => {
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
  parentPort!.postMessage({ id: req.id, result }, transfer);
  // Our wrappers of the shared arrays would keep the zone alive after the data threads drop it.
  if (req.shared) collectGarbageSoon(0);
});
