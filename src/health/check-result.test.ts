// Tests for folding a check round into operator intent and measured health, with their precedence.

import { describe, expect, it } from 'vitest';
import { type CheckRound, type Health, type Intent, healthOf, intentOf, isHealthy } from './check-result.js';

function round(over: Partial<CheckRound> = {}): CheckRound {
  return {
    at: 0,
    zonesLoaded: true,
    selfCheck: { ok: true, detail: 'udp+tcp ok' },
    overload: { overloaded: false, detail: 'lag p99 1 ms' },
    draining: false,
    stopping: false,
    ...over,
  };
}

const failed = { ok: false, detail: 'udp 127.0.0.1:53 timeout after 500 ms' };
const loaded = { overloaded: true, detail: 'ELU 0.99 > 0.97' };

describe('intentOf', () => {
  const table: Array<[string, Partial<CheckRound>, Intent]> = [
    ['serve by default', {}, 'serve'],
    ['drain', { draining: true }, 'drain'],
    ['stop', { stopping: true }, 'stop'],
    ['stop wins over drain', { stopping: true, draining: true }, 'stop'],
    ['drain regardless of health', { draining: true, zonesLoaded: false, selfCheck: failed }, 'drain'],
  ];
  it.each(table)('%s', (_name, over, intent) => {
    expect(intentOf(round(over))).toBe(intent);
  });
});

describe('healthOf', () => {
  const table: Array<[string, Partial<CheckRound>, Health]> = [
    ['good', {}, { kind: 'good', detail: 'udp+tcp ok' }],
    ['no zone', { zonesLoaded: false }, { kind: 'no-zones' }],
    ['no zone wins over a failed self-check', { zonesLoaded: false, selfCheck: failed }, { kind: 'no-zones' }],
    ['failed self-check', { selfCheck: failed }, { kind: 'failed', detail: failed.detail }],
    ['failure wins over overload', { selfCheck: failed, overload: loaded }, { kind: 'failed', detail: failed.detail }],
    ['overloaded', { overload: loaded }, { kind: 'overloaded', detail: loaded.detail }],
  ];
  it.each(table)('%s', (_name, over, health) => {
    expect(healthOf(round(over))).toEqual(health);
  });

  it('healthy means answering correctly, loaded or not', () => {
    expect(isHealthy({ kind: 'good', detail: '' })).toBe(true);
    expect(isHealthy({ kind: 'overloaded', detail: '' })).toBe(true);
    expect(isHealthy({ kind: 'failed', detail: '' })).toBe(false);
    expect(isHealthy({ kind: 'no-zones' })).toBe(false);
  });
});
