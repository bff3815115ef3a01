// HangWatch: only a running worker that stays silent past the limit counts as hung, once per silence.

import { describe, expect, it } from 'vitest';
import { HangWatch } from './hang-watch.js';
import type { WorkerReply } from './workers.js';

const ok = (id: number): WorkerReply => ({ id, pid: 1, report: {} as WorkerReply['report'] });
const silent = (id: number): WorkerReply => ({ id, pid: 1, report: null, error: 'did not answer within 100 ms (event loop blocked?)' });
const starting = (id: number): WorkerReply => ({ id, pid: 1, report: null, error: 'starting' });

describe('HangWatch', () => {
  it('flags a worker silent for the limit, once, and counts its next silence afresh', () => {
    let t = 0;
    const w = new HangWatch(1000, () => t);
    expect(w.hung([ok(0), ok(1)])).toEqual([]);
    t = 500;
    expect(w.hung([ok(0), silent(1)])).toEqual([]);
    t = 1000;
    expect(w.hung([ok(0), silent(1)]).map((r) => r.id)).toEqual([1]);
    t = 1500;
    expect(w.hung([ok(0), silent(1)])).toEqual([]);
    t = 2000;
    expect(w.hung([silent(0), silent(1)]).map((r) => r.id)).toEqual([1]);
  });

  it('does not count a worker that is starting or has just answered, and never flags with limit 0', () => {
    let t = 0;
    const w = new HangWatch(1000, () => t);
    w.hung([ok(0)]);
    t = 5000;
    expect(w.hung([starting(0)])).toEqual([]);
    t = 5500;
    expect(w.hung([silent(0)])).toEqual([]);
    const never = new HangWatch(0, () => t);
    never.hung([ok(0)]);
    t = 1e9;
    expect(never.hung([silent(0)])).toEqual([]);
  });
});
