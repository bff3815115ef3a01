// Tests for the lag monitor with real timers: a blocked loop shows as lag and ELU, windows reset.

import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { LagMonitor } from './lag-monitor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('LagMonitor', () => {
  let monitor: LagMonitor | null = null;
  afterEach(() => monitor?.stop());

  it('a 200 ms busy-wait shows as lag >= 150 ms and raises ELU', async () => {
    monitor = new LagMonitor({ resolutionMs: 10 });
    monitor.start();
    await sleep(50);
    monitor.sample();
    busy(200);
    await sleep(50);
    const w = monitor.sample();
    expect(w.lagMaxMs).toBeGreaterThanOrEqual(150);
    expect(w.lagP99Ms).toBeGreaterThanOrEqual(150); // few samples: p99 is the stall
    expect(w.elu).toBeGreaterThan(0.5);
    expect(w.windowMs).toBeGreaterThanOrEqual(240);
  });

  it('catches a stall that starts right after a sample (the window boundary)', async () => {
    monitor = new LagMonitor({ resolutionMs: 10 });
    monitor.start();
    await sleep(50);
    monitor.sample();
    busy(200); // no timer tick between the sample and the stall
    await sleep(30);
    expect(monitor.sample().lagMaxMs).toBeGreaterThanOrEqual(150);
  });

  it('counts a stall still in progress when sampled', async () => {
    monitor = new LagMonitor({ resolutionMs: 10 });
    monitor.start();
    await sleep(30);
    monitor.sample();
    await sleep(20);
    busy(150);
    expect(monitor.sample().lagMaxMs).toBeGreaterThanOrEqual(120);
  });

  it('resets per window: a quiet window after a stall shows little lag', async () => {
    monitor = new LagMonitor({ resolutionMs: 10 });
    monitor.start();
    await sleep(20);
    busy(150);
    await sleep(20);
    expect(monitor.sample().lagMaxMs).toBeGreaterThanOrEqual(100);
    await sleep(200);
    const quiet = monitor.sample();
    expect(quiet.samples).toBeGreaterThan(5);
    expect(quiet.lagP99Ms).toBeLessThan(50);
    expect(quiet.elu).toBeLessThan(0.5);
  });

  it('start and stop are idempotent; a stopped monitor still samples', async () => {
    monitor = new LagMonitor();
    monitor.start();
    monitor.start();
    expect(monitor.running).toBe(true);
    monitor.stop();
    monitor.stop();
    expect(monitor.running).toBe(false);
    const w = monitor.sample();
    expect(w.lagP99Ms).toBeGreaterThanOrEqual(0);
    expect(w.elu).toBeGreaterThanOrEqual(0);
  });

  it('rejects a resolution below 1 ms', () => {
    expect(() => new LagMonitor({ resolutionMs: 0 })).toThrow(RangeError);
  });
});
