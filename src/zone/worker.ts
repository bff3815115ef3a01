// Worker thread entry: compiles one zone file off the event loop and hands the typed arrays back without copying.

import { parentPort } from 'node:worker_threads';
import { loadZoneFile, type LoadOptions, type LoadResult } from './load.js';
import { transferList } from './compiled.js';

export interface CompileRequest {
  id: number;
  file: string;
  options: LoadOptions;
}

parentPort!.on('message', (req: CompileRequest) => {
  let result: LoadResult;
  try {
    result = loadZoneFile(req.file, req.options);
  } catch (e) {
    // A compiler bug must not take the service down; it becomes this zone's error.
    result = { zone: null, errors: [{ file: req.file, line: 0, message: `internal error: ${(e as Error).stack}` }], warnings: [], origin: null, hash: '', unchanged: false };
  }
  parentPort!.postMessage({ id: req.id, result }, result.zone ? transferList(result.zone) : []);
});
