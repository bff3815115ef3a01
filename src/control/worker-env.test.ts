// Data workers get a fixed malloc mmap threshold, unless the operator set malloc up already.

import { describe, expect, it } from 'vitest';
import { dataWorkerEnv, MALLOC_MMAP_THRESHOLD_BYTES } from './worker-env.js';

describe('dataWorkerEnv', () => {
  it('fixes the mmap threshold at 1 MiB', () => {
    expect(MALLOC_MMAP_THRESHOLD_BYTES).toBe(1048576);
    expect(dataWorkerEnv({ PATH: '/usr/bin' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '1048576' });
  });

  it('leaves malloc alone when the environment configures it', () => {
    expect(dataWorkerEnv({ MALLOC_ARENA_MAX: '2' })).toEqual({});
    expect(dataWorkerEnv({ MALLOC_MMAP_THRESHOLD_: '65536' })).toEqual({});
    expect(dataWorkerEnv({ GLIBC_TUNABLES: '' })).toEqual({});
  });
});
