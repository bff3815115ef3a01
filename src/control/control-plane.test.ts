// expectedZones: the self-check probes each zone every worker serves for the oldest serial among them (RFC 1982 order).

import { describe, expect, it } from 'vitest';
import type { WorkerReport } from '../contract/ipc.js';
import { expectedZones } from './control-plane.js';

/** A worker report with only the zone list filled in: the rest is not read. */
function report(zones: [origin: string | null, serial: number | null][]): WorkerReport {
  return {
    zones: zones.map(([origin, serial]) => ({ file: `${origin}zone`, origin, serial, records: 1, loadedAt: 0, hash: null, lastError: null, lastErrorAt: null, lastSuccessAt: null, removeAt: null })),
  } as unknown as WorkerReport;
}

describe('expectedZones', () => {
  it('takes the oldest serial a worker still serves, counting round the 2^32 wrap', () => {
    expect(expectedZones([report([['a.test.', 5]]), report([['a.test.', 3]])])).toEqual([{ origin: 'a.test.', serial: 3 }]);
    expect(expectedZones([report([['a.test.', 3]]), report([['a.test.', 5]])])).toEqual([{ origin: 'a.test.', serial: 3 }]);
    // 1 is newer than 0xffffffff (RFC 1982), so the worker still on 0xffffffff is the one to probe for.
    expect(expectedZones([report([['a.test.', 1]]), report([['a.test.', 0xffffffff]])])).toEqual([{ origin: 'a.test.', serial: 0xffffffff }]);
  });

  it('leaves out zones not every worker serves, and files without a zone', () => {
    expect(expectedZones([report([['a.test.', 1], ['b.test.', 1], [null, null]]), report([['a.test.', 1]])])).toEqual([{ origin: 'a.test.', serial: 1 }]);
    expect(expectedZones([])).toEqual([]);
  });
});
