// Tests for flap damping (formula, growth, decay, cap) and invariants of the state machine under random input.

import { describe, expect, it } from 'vitest';
import type { CheckRound } from './check-result.js';
import { HealthStateMachine } from './state-machine.js';
import { type Transition, routingFor, routingRank } from './state.js';

function round(at: number, h: { ok?: boolean; zones?: boolean; over?: boolean; drain?: boolean; stop?: boolean }): CheckRound {
  return {
    at,
    zonesLoaded: h.zones ?? true,
    selfCheck: { ok: h.ok ?? true, detail: h.ok === false ? 'tcp 127.0.0.1:53 refused' : 'ok' },
    overload: { overloaded: h.over ?? false, detail: h.over === true ? 'ELU 0.99 > 0.97' : 'calm' },
    draining: h.drain ?? false,
    stopping: h.stop ?? false,
  };
}

/** A change that makes the route more attractive (withdraw -> deprefer -> announce). */
const improves = (t: Transition) => routingRank(routingFor(t.to)) > routingRank(routingFor(t.from));

describe('flap penalty formula', () => {
  const opts = { rise: 1, fall: 1, holdDownMs: 1000, flapPenaltyMs: 500, flapWindowMs: 4000, maxHoldDownMs: 3000 };
  // The documented formula, written out independently of the implementation.
  const expected = (changes: number[], at: number) => {
    const score = changes.reduce((sum, t) => sum + Math.pow(2, -(at - t) / opts.flapWindowMs), 0);
    return { score, holdDown: Math.min(opts.maxHoldDownMs, opts.holdDownMs + opts.flapPenaltyMs * Math.max(0, score - 1)) };
  };

  it('scores each change among up, overloaded and down, halving every flapWindowMs', () => {
    const m = new HealthStateMachine({ ...opts, now: 0 });
    const damped: number[] = [];
    const step = (at: number, h: Parameters<typeof round>[1]) => {
      const t = m.evaluate(round(at, h));
      if (t !== null && t.from !== 'starting') damped.push(t.at);
      return t;
    };
    expect(step(100, {})?.to).toBe('up'); // the first announcement is not a flap
    expect(m.flapScore()).toBe(0);
    expect(step(200, { ok: false })?.to).toBe('down');
    expect(step(1200, {})?.to).toBe('up');
    expect(step(1300, { ok: false })?.to).toBe('down');
    for (const at of [1300, 2000, 5300, 9300, 30_000]) {
      const e = expected(damped, at);
      expect(m.flapScore(at)).toBeCloseTo(e.score, 9);
      expect(m.holdDownMs(at)).toBeCloseTo(e.holdDown, 6);
    }
    expect(m.flapScore(1300 + 4000)).toBeCloseTo(m.flapScore(1300) / 2, 9);
  });

  it('is capped at maxHoldDownMs', () => {
    const m = new HealthStateMachine({ ...opts, maxHoldDownMs: 2000, now: 0 });
    for (let at = 100; at < 60_000; at += 100) m.evaluate(round(at, { ok: at % 200 === 100 }));
    const peak = m.snapshot();
    expect(peak.flapScore).toBeGreaterThan(3);
    expect(peak.holdDownMs).toBe(2000);
  });

  it('defaults: penalty = hold-down, half-life 60 s, cap = hold-down + 10 penalties', () => {
    const m = new HealthStateMachine({ rise: 1, fall: 1, holdDownMs: 1000, now: 0 });
    for (let at = 100; at <= 3_600_000; at += 100) m.evaluate(round(at, { ok: at % 200 === 100 }));
    expect(m.holdDownMs()).toBeLessThanOrEqual(11_000);
    expect(m.holdDownMs()).toBeGreaterThan(5000);
    expect(m.holdDownMs(3_600_000 + 20 * 60_000)).toBeCloseTo(1000, 6);
  });

  it('drain, undrain and stop add nothing', () => {
    const m = new HealthStateMachine({ ...opts, now: 0 });
    m.evaluate(round(100, {}));
    m.evaluate(round(200, { drain: true }));
    m.evaluate(round(300, {}));
    m.evaluate(round(400, { drain: true }));
    m.evaluate(round(500, { stop: true }));
    expect(m.snapshot()).toMatchObject({ state: 'stopped', transitions: 5, flapScore: 0 });
  });
});

describe('a check flipping every 100 ms, hold-down 1 s, over 30 s of simulated time', () => {
  const HOLD = 1000;
  const opts = { holdDownMs: HOLD, flapPenaltyMs: 1000, flapWindowMs: 10_000, maxHoldDownMs: 8000 };
  const table: Array<[string, { rise: number; fall: number; intervalMs: number; flip: 'self-check' | 'overload' }]> = [
    ['self-check, rise 1 fall 1, a round every 100 ms', { rise: 1, fall: 1, intervalMs: 100, flip: 'self-check' }],
    ['self-check, rise 2 fall 2, a round every 50 ms', { rise: 2, fall: 2, intervalMs: 50, flip: 'self-check' }],
    ['self-check, rise 2 fall 3, a round every 10 ms', { rise: 2, fall: 3, intervalMs: 10, flip: 'self-check' }],
    ['overload, rise 1 fall 1, a round every 100 ms', { rise: 1, fall: 1, intervalMs: 100, flip: 'overload' }],
    ['overload, rise 2 fall 2, a round every 20 ms', { rise: 2, fall: 2, intervalMs: 20, flip: 'overload' }],
  ];

  it.each(table)('%s', (_name, c) => {
    const m = new HealthStateMachine({ ...opts, rise: c.rise, fall: c.fall, now: 0 });
    const changes: Array<Transition & { holdDown: number }> = [];
    const holdDowns: number[] = [];
    const FLIP_END = 30_000;
    for (let at = c.intervalMs; at <= FLIP_END + 120_000; at += c.intervalMs) {
      // Good for the first 100 ms, bad for the next 100 ms, and so on; steady good after 30 s.
      const bad = at <= FLIP_END && Math.floor((at - 1) / 100) % 2 === 1;
      const before = m.holdDownMs(at);
      const t = m.evaluate(round(at, c.flip === 'self-check' ? { ok: !bad } : { over: bad }));
      if (t !== null) {
        changes.push({ ...t, holdDown: before });
        if (improves(t)) holdDowns.push(before);
      }
    }
    const flipping = changes.filter((t) => t.at <= FLIP_END);
    const reannounce = flipping.filter((t) => improves(t) && t.from !== 'starting');

    // Far fewer changes than flips (300 flips in 30 s).
    expect(flipping.length).toBeLessThanOrEqual(20);
    // Every re-announcement waited for the effective hold-down since the previous change.
    for (let i = 1; i < changes.length; i++) {
      if (!improves(changes[i]) || changes[i].from === 'starting') continue;
      expect(changes[i].at - changes[i - 1].at).toBeGreaterThanOrEqual(changes[i].holdDown);
      expect(changes[i].at - changes[i - 1].at).toBeGreaterThanOrEqual(HOLD);
    }
    // Per hold-down window: at most one change in each direction, so at most one flap. (Exactly one
    // change per window is impossible: withdrawal is never delayed, so a re-announced node whose
    // check fails 100 ms later must withdraw within the same window.)
    for (let w = 0; w < FLIP_END; w += HOLD) {
      const inWindow = flipping.filter((t) => t.at >= w && t.at < w + HOLD);
      expect(inWindow.filter(improves).length).toBeLessThanOrEqual(1);
      expect(inWindow.filter((t) => !improves(t)).length).toBeLessThanOrEqual(1);
    }
    // Sliding windows too: any two changes in the same direction are at least a hold-down apart.
    for (const dir of [true, false]) {
      const same = flipping.filter((t) => improves(t) === dir);
      for (let i = 1; i < same.length; i++) expect(same[i].at - same[i - 1].at).toBeGreaterThanOrEqual(HOLD);
    }
    // The hold-down grows while flapping...
    expect(reannounce.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < 3; i++) expect(reannounce[i].holdDown).toBeGreaterThan(reannounce[i - 1].holdDown);
    expect(Math.max(...holdDowns)).toBeGreaterThan(3 * HOLD);
    expect(Math.max(...holdDowns)).toBeLessThanOrEqual(opts.maxHoldDownMs);
    // ...and once the check is steady: at most one more change (back to up), then quiet, and the
    // hold-down shrinks back to the base value.
    const after = changes.filter((t) => t.at > FLIP_END);
    expect(after.length).toBeLessThanOrEqual(1);
    expect(m.state).toBe('up');
    expect(m.holdDownMs()).toBeLessThan(HOLD + 10);
  });
});

describe('invariants under random rounds (seeded, bursty)', () => {
  // mulberry32: a small seeded PRNG so that every run sees the same rounds.
  const prng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i', (seed) => {
    const rnd = prng(seed);
    const rise = 1 + Math.floor(rnd() * 3);
    const fall = 1 + Math.floor(rnd() * 3);
    const holdDownMs = [0, 300, 2000][Math.floor(rnd() * 3)];
    const m = new HealthStateMachine({ rise, fall, holdDownMs, flapWindowMs: 5000, now: 0 });
    // Each input keeps its value and flips with its own probability, so streaks happen.
    const h = { zones: true, ok: true, over: false, drain: false };
    const flip = { zones: 0.02, ok: 0.2, over: 0.15, drain: 0.01 };
    const past: CheckRound[] = [];
    let previous: Transition | null = null;
    let at = 0;
    for (let i = 0; i < 2500; i++) {
      at += 50 + Math.floor(rnd() * 100);
      for (const k of ['zones', 'ok', 'over', 'drain'] as const) if (rnd() < flip[k]) h[k] = !h[k];
      const r = round(at, h);
      past.push(r);
      const wasRouting = m.routing;
      const t = m.evaluate(r);
      const healthy = r.zonesLoaded && r.selfCheck.ok;
      const last = (n: number) => past.slice(-n);

      expect(m.state === 'draining').toBe(r.draining);
      if (!r.zonesLoaded) expect(m.routing).toBe('withdraw');
      if (past.length >= fall && last(fall).every((x) => !x.selfCheck.ok)) expect(m.routing).toBe('withdraw');
      if (m.routing !== 'withdraw') {
        expect(r.zonesLoaded).toBe(true);
        expect(last(fall).some((x) => x.selfCheck.ok && x.zonesLoaded)).toBe(true);
      }
      if (t === null) continue;
      expect(t.from).toBe(previous?.to ?? 'starting');
      if (t.to === 'down') expect(healthy).toBe(false);
      // Overload never withdraws: leaving an announced state for a withdrawn one needs a failure or a drain.
      if (wasRouting !== 'withdraw' && m.routing === 'withdraw') expect(!healthy || r.draining).toBe(true);
      if (wasRouting === 'withdraw' && m.routing !== 'withdraw') {
        // Announced only after rise healthy rounds, none of them draining.
        expect(past.length).toBeGreaterThanOrEqual(rise);
        expect(last(rise).every((x) => x.zonesLoaded && x.selfCheck.ok && !x.draining)).toBe(true);
      }
      if (improves(t) && (t.from === 'down' || t.from === 'overloaded')) {
        expect(t.at - (previous?.at ?? 0)).toBeGreaterThanOrEqual(holdDownMs);
      }
      if (t.to === 'overloaded' && t.from === 'up') expect(last(fall).every((x) => x.overload.overloaded)).toBe(true);
      expect(t.reason.length).toBeGreaterThan(0);
      previous = t;
    }
    expect(m.snapshot().transitions).toBeGreaterThan(10);
  });
});
