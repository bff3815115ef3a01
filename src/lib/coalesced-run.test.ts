// CoalescedRun: one run at a time, any number of requests during a run become exactly one more.

import { describe, expect, it } from 'vitest';
import { CoalescedRun } from './coalesced-run.js';

describe('CoalescedRun', () => {
  it('queues exactly one more run for any number of requests during a run', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner = new CoalescedRun(async () => {
      runs++;
      if (runs === 1) await gate;
    });
    const first = runner.run();
    const more = [runner.run(), runner.run(), runner.run()];
    release();
    await Promise.all([first, ...more]);
    expect(runs).toBe(2);
    await runner.run();
    expect(runs).toBe(3);
  });

  it('runs again when the task asks', async () => {
    let runs = 0;
    const runner: CoalescedRun = new CoalescedRun(async () => {
      if (++runs < 3) runner.runAgain();
    });
    await runner.run();
    expect(runs).toBe(3);
  });

  it('queues nothing more once keepGoing says no', async () => {
    let runs = 0;
    const runner: CoalescedRun = new CoalescedRun(async () => {
      runs++;
      runner.runAgain();
    }, () => false);
    await runner.run();
    expect(runs).toBe(1);
  });
});
