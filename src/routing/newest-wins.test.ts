// NewestWins: one change at a time, only the newest waiting one applied, never a rejection.

import { describe, expect, it } from 'vitest';
import { NewestWins } from './newest-wins.js';

describe('NewestWins', () => {
  it('applies the running spec and then only the newest of those that waited', async () => {
    const applied: string[] = [];
    let release!: () => void;
    const queue = new NewestWins<string, string>(
      async (spec) => {
        applied.push(spec);
        if (spec === 'a') await new Promise<void>((r) => (release = r));
        return `done ${spec}`;
      },
      () => 'superseded',
      () => 'failed',
    );
    const a = queue.submit('a');
    expect(queue.busy).toBe(true);
    const b = queue.submit('b');
    expect(queue.hasNewer).toBe(true);
    const c = queue.submit('c');
    release();
    expect(await Promise.all([a, b, c])).toEqual(['done a', 'superseded', 'done c']);
    expect(applied).toEqual(['a', 'c']);
    expect(queue.busy).toBe(false);
  });

  it('turns a throw into a result and keeps going', async () => {
    const queue = new NewestWins<number, string>(
      async (n) => {
        if (n === 1) throw new Error('boom');
        return `ok ${n}`;
      },
      () => 'superseded',
      (err) => `failed: ${(err as Error).message}`,
    );
    expect(await queue.submit(1)).toBe('failed: boom');
    expect(await queue.submit(2)).toBe('ok 2');
  });
});
