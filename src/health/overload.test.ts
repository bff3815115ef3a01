// Tests for judging overload from load figures: each limit, combinations, disabled limits, unknown figures.

import { describe, expect, it } from 'vitest';
import { type LoadFigures, type OverloadThresholds, describeLoad, judgeOverload } from './overload.js';

const MiB = 1048576;
const calm: LoadFigures = {
  lagP99Ms: 2.5,
  elu: 0.3,
  qps: 1200,
  capacityQps: 20_000,
  rssBytes: 80 * MiB,
  maxRssBytes: 512 * MiB,
};
const limits: OverloadThresholds = { maxLagMs: 100, maxElu: 0.95 };

describe('judgeOverload', () => {
  const table: Array<[string, Partial<LoadFigures>, Partial<OverloadThresholds>, boolean, string]> = [
    ['calm', {}, {}, false, 'lag p99 2.5 ms, ELU 0.30, 1200/20000 qps, rss 80/512 MiB'],
    ['lag over the limit', { lagP99Ms: 142 }, {}, true, 'event-loop lag p99 142 ms > 100 ms'],
    ['lag exactly at the limit is fine', { lagP99Ms: 100 }, {}, false, ''],
    ['ELU over the limit', { elu: 0.99 }, {}, true, 'ELU 0.99 > 0.95'],
    ['ELU limit disabled', { elu: 1 }, { maxElu: null }, false, ''],
    ['query rate over capacity', { qps: 25_000 }, {}, true, 'query rate 25000 qps > capacity 20000 qps'],
    ['no capacity configured', { qps: 1e9, capacityQps: null }, {}, false, ''],
    ['memory over budget', { rssBytes: 600 * MiB }, {}, true, 'memory rss 600 MiB > 512 MiB'],
    ['no memory budget', { rssBytes: 1e12, maxRssBytes: null }, {}, false, ''],
    [
      'every crossed limit is named',
      { lagP99Ms: 250, elu: 0.99, qps: 30_000 },
      {},
      true,
      'event-loop lag p99 250 ms > 100 ms, ELU 0.99 > 0.95, query rate 30000 qps > capacity 20000 qps',
    ],
    ['unknown lag is not overload', { lagP99Ms: Number.NaN }, {}, false, ''],
    ['unknown ELU is not overload', { elu: Number.NaN }, {}, false, ''],
    ['sub-10 ms lag limits keep a decimal', { lagP99Ms: 7.25 }, { maxLagMs: 5 }, true, 'event-loop lag p99 7.3 ms > 5 ms'],
  ];
  it.each(table)('%s', (_name, figures, thresholds, overloaded, detail) => {
    const result = judgeOverload({ ...calm, ...figures }, { ...limits, ...thresholds });
    expect(result.overloaded).toBe(overloaded);
    if (detail !== '') expect(result.detail).toBe(detail);
    else expect(result.detail).toBe(describeLoad({ ...calm, ...figures }));
  });
});

describe('describeLoad', () => {
  it('omits limits that are not configured and marks unknown figures', () => {
    const line = describeLoad({ ...calm, lagP99Ms: Number.NaN, capacityQps: null, maxRssBytes: null });
    expect(line).toBe('lag p99 n/a, ELU 0.30, 1200 qps, rss 80 MiB');
  });
});
