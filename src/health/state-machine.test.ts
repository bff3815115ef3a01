// Tests for the health state machine's rules: rise/fall, overload, drain, stop, hold-down, reasons, snapshot.

import { describe, expect, it } from 'vitest';
import type { CheckRound } from './check-result.js';
import { type HealthOptions, HealthStateMachine } from './state-machine.js';
import type { NodeState, Transition } from './state.js';

// One letter per round: g good, f self-check failed, z no zone loaded, o overloaded (but answering),
// D drain requested (health good), S stopping. Spaces are for reading only.
const FAIL_DETAIL = 'udp 127.0.0.1:53 timeout after 500 ms';
const LOAD_DETAIL = 'event-loop lag p99 142 ms > 100 ms';

function roundOf(token: string, at: number): CheckRound {
  const base: CheckRound = {
    at,
    zonesLoaded: token !== 'z',
    selfCheck: token === 'f' ? { ok: false, detail: FAIL_DETAIL } : { ok: true, detail: 'udp+tcp ok' },
    overload: token === 'o' ? { overloaded: true, detail: LOAD_DETAIL } : { overloaded: false, detail: 'calm' },
    draining: token === 'D',
    stopping: token === 'S',
  };
  if (!'gfzoDS'.includes(token)) throw new Error(`bad token ${token}`);
  return base;
}

const LETTER: Record<NodeState, string> = { starting: 's', up: 'u', overloaded: 'o', down: 'd', draining: 'D', stopped: 'x' };

type Opts = Omit<HealthOptions, 'now'>;
const DEFAULTS: Opts = { rise: 2, fall: 3, holdDownMs: 0 };

/** Runs a script, one round every intervalMs starting at intervalMs; returns the state letters after each round. */
function run(script: string, opts: Partial<Opts> = {}, intervalMs = 100) {
  const machine = new HealthStateMachine({ ...DEFAULTS, ...opts, now: 0 });
  const transitions: Transition[] = [];
  let states = '';
  let at = 0;
  for (const token of script.replace(/\s+/g, '')) {
    at += intervalMs;
    const t = machine.evaluate(roundOf(token, at));
    if (t !== null) transitions.push(t);
    states += LETTER[machine.state];
  }
  return { machine, transitions, states };
}

const strip = (s: string) => s.replace(/\s+/g, '');

describe('rise, fall, overload, drain and stop (rise 2, fall 3, no hold-down unless said)', () => {
  const table: Array<[string, string, string, Partial<Opts>?]> = [
    // starting
    ['starting: announced after rise good rounds', 'gggg', 'suuu'],
    ['starting: rise 1 announces at the first good round', 'g', 'u', { rise: 1 }],
    ['starting: a failed self-check restarts the rise count', 'gfgg', 'sssu'],
    ['starting: a round without zones restarts the rise count', 'gzgg', 'sssu'],
    ['starting: a failing self-check is never announced', 'ffffffffff', 'ssssssssss'],
    ['starting: overloaded at boot announces de-preferred', 'oo', 'so'],
    ['starting: overload then calm announces normally', 'og', 'su'],
    // up -> down
    ['up: fewer than fall failures keep it announced', 'gg ff g ff g', 'su uu u uu u'],
    ['up: withdrawn at the fall-th consecutive failure', 'gg fff', 'su uud'],
    ['up: fall 1 withdraws at the first failure', 'gg f', 'su d', { fall: 1 }],
    ['up: losing every zone withdraws at once', 'gg z', 'su d'],
    ['up: no zone and failures both count towards fall', 'gg ff z', 'su uu d'],
    // down -> up
    ['down: back up after rise good rounds', 'gg fff gg', 'su uud du'],
    ['down: a failure restarts the rise count', 'gg fff gfgg', 'su uud dddu'],
    ['down: stays down while failing', 'gg fff ffffff', 'su uud dddddd'],
    ['down: recovering under overload comes back de-preferred', 'gg fff go', 'su uud do'],
    ['down: overload counts as a good round for rise', 'gg fff oo', 'su uud do'],
    // up <-> overloaded
    ['up: de-preferred after fall overloaded rounds', 'gg ooo', 'su uuo'],
    ['up: a calm round breaks the overload streak', 'gg oo g oo g', 'su uu u uu u'],
    ['up: a failure breaks the overload streak', 'gg oo f oo', 'su uu u uu'],
    ['overloaded: overload alone never withdraws', `gg ooo ${'o'.repeat(40)}`, `su uuo ${'o'.repeat(40)}`],
    ['overloaded: back up after rise calm rounds', 'gg ooo gg', 'su uuo ou'],
    ['overloaded: an overloaded round restarts the calm count', 'gg ooo g o gg', 'su uuo o o ou'],
    ['overloaded: fall failed self-checks withdraw', 'gg ooo fff', 'su uuo ood'],
    ['overloaded: failures below fall keep it de-preferred', 'gg ooo ff o', 'su uuo oo o'],
    ['overloaded: losing every zone withdraws at once', 'gg ooo z', 'su uuo d'],
    // drain
    ['drain: from starting', 'g D', 's D'],
    ['drain: from up', 'gg D', 'su D'],
    ['drain: from overloaded', 'gg ooo D', 'su uuo D'],
    ['drain: from down', 'gg fff D', 'su uud D'],
    ['drain: stays draining while requested', 'gg DDDDD', 'su DDDDD'],
    ['undrain: starting again, then up after rise good rounds', 'gg DD gg', 'su DD su'],
    ['undrain: rise counts only rounds after the lift', 'ggg DDDD gg g', 'ssu DDDD ss u', { rise: 3 }],
    ['undrain: rise 1 re-announces in the first round', 'g D g', 'u D u', { rise: 1 }],
    ['undrain: a failing node is not announced', 'gg D fffff', 'su D sssss'],
    ['undrain: a node without zones is not announced', 'gg D zzzz', 'su D ssss'],
    ['undrain: comes back de-preferred while overloaded', 'gg D oo', 'su D so'],
    ['undrain: drained again before rise', 'gg D g D gg', 'su D s D su'],
    // stop
    ['stop: from starting', 'S', 'x'],
    ['stop: from up', 'gg S', 'su x'],
    ['stop: from overloaded', 'gg ooo S', 'su uuo x'],
    ['stop: from down', 'gg fff S', 'su uud x'],
    ['stop: from draining', 'gg D S', 'su D x'],
    ['stop: terminal, nothing moves it', 'gg S gg D fff ooo z', 'su x xx x xxx xxx x'],
  ];
  it.each(table)('%s', (_name, script, states, opts) => {
    expect(run(script, opts).states).toBe(strip(states));
  });
});

describe('hold-down delays re-announcement, never withdrawal', () => {
  it('down -> up waits for the hold-down even when rise is met', () => {
    // Up at 200 ms, down at 300 ms (fall 1); good from 400 ms; hold-down 1 s from 300 ms.
    const { transitions } = run(`gg f ${'g'.repeat(20)}`, { rise: 2, fall: 1, holdDownMs: 1000, flapPenaltyMs: 0 });
    expect(transitions.map((t) => [t.to, t.at])).toEqual([
      ['up', 200],
      ['down', 300],
      ['up', 1300],
    ]);
    expect(transitions[2].reason).toBe('recovered: 10 good rounds, hold-down 1.0 s passed');
  });

  it('down -> up waits for rise rounds when the hold-down is already over', () => {
    const { transitions } = run(`gg f ${'f'.repeat(20)} gg`, { rise: 2, fall: 1, holdDownMs: 1000, flapPenaltyMs: 0 });
    expect(transitions.map((t) => [t.to, t.at])).toEqual([
      ['up', 200],
      ['down', 300],
      ['up', 2500],
    ]);
  });

  it('withdraws at the fall-th failure even with a huge hold-down and flap penalty', () => {
    const opts = { rise: 1, fall: 2, holdDownMs: 60_000, flapPenaltyMs: 600_000, maxHoldDownMs: 3_600_000 };
    const machine = new HealthStateMachine({ ...opts, now: 0 });
    const at = (ms: number, token: string) => machine.evaluate(roundOf(token, ms));
    expect(at(100, 'g')?.to).toBe('up');
    expect(at(200, 'f')).toBeNull();
    expect(at(300, 'f')?.to).toBe('down');
    expect(at(60_300, 'g')?.to).toBe('up');
    expect(machine.snapshot().holdDownMs).toBeGreaterThan(300_000);
    // Just re-announced, flap score high: the withdrawal is still immediate.
    expect(at(60_400, 'f')).toBeNull();
    expect(at(60_500, 'f')).toMatchObject({ from: 'up', to: 'down', at: 60_500 });
    expect(at(60_600, 'g')).toBeNull();
    expect(at(60_700, 'z')).toBeNull();
  });

  it('de-prefers at once after an overload streak, even just after re-announcing', () => {
    const { transitions } = run(`gg f ${'g'.repeat(10)} ooo`, { rise: 2, fall: 1, holdDownMs: 1000 });
    expect(transitions.map((t) => [t.to, t.at])).toEqual([
      ['up', 200],
      ['down', 300],
      ['up', 1300],
      ['overloaded', 1400],
    ]);
  });

  it('overloaded -> up waits for the hold-down', () => {
    const { transitions } = run(`gg ooo ${'g'.repeat(15)}`, { holdDownMs: 1000, flapPenaltyMs: 0 });
    expect(transitions.map((t) => [t.to, t.at])).toEqual([
      ['up', 200],
      ['overloaded', 500],
      ['up', 1500],
    ]);
    expect(transitions[2].reason).toBe('overload cleared: 10 rounds without overload, hold-down 1.0 s passed');
  });

  it('starting -> up ignores the hold-down', () => {
    expect(run('gg', { holdDownMs: 3_600_000 }).states).toBe('su');
  });

  it('undrain re-announces after rise rounds, without hold-down or flap penalty', () => {
    // Flap a few times first so that the damped hold-down is long.
    const { machine, states } = run('gg f g f g f D gg', { rise: 1, fall: 1, holdDownMs: 0, flapPenaltyMs: 60_000 });
    expect(states).toBe(strip('uu dud ddD uu'));
    expect(machine.snapshot().holdDownMs).toBeGreaterThan(60_000);
  });
});

describe('reasons', () => {
  const table: Array<[string, string, Partial<Opts>, string]> = [
    ['ready', 'gg', {}, 'ready: 2 good rounds, zones loaded, self-check ok'],
    ['self-check failed', 'gg fff', {}, `self-check failed 3 times: ${FAIL_DETAIL}`],
    ['self-check failed once', 'gg f', { fall: 1 }, `self-check failed once: ${FAIL_DETAIL}`],
    ['no zone', 'gg z', {}, 'no zone loaded'],
    ['overload', 'gg ooo', {}, `overload: ${LOAD_DETAIL} for 3 rounds`],
    ['overload cleared', 'gg ooo gg', {}, 'overload cleared: 2 rounds without overload, hold-down 0.0 s passed'],
    ['recovered', 'gg z gg', { holdDownMs: 0 }, 'recovered: 2 good rounds, hold-down 0.0 s passed'],
    [
      'recovered while overloaded',
      'gg z go',
      {},
      `recovered: 2 good rounds, hold-down 0.0 s passed; still overloaded: ${LOAD_DETAIL}`,
    ],
    ['ready while overloaded', 'o', { rise: 1 }, `ready: 1 good round, zones loaded, self-check ok; still overloaded: ${LOAD_DETAIL}`],
    ['drain', 'gg D', {}, 'drain requested'],
    ['undrain', 'gg D g', {}, 'drain lifted: waiting for 2 good rounds'],
    ['undrain, rise 1', 'g D g', { rise: 1 }, 'drain lifted: 1 good round'],
    ['stop', 'gg S', {}, 'stopping'],
  ];
  it.each(table)('%s', (_name, script, opts, reason) => {
    const { machine, transitions } = run(script, opts);
    expect(transitions.at(-1)?.reason).toBe(reason);
    expect(machine.reason).toBe(reason);
  });

  it('a new machine is starting, with a reason and since = now', () => {
    const machine = new HealthStateMachine({ rise: 2, fall: 2, holdDownMs: 0, now: 1234 });
    expect([machine.state, machine.reason, machine.since, machine.routing]).toEqual([
      'starting',
      'waiting for the first check',
      1234,
      'withdraw',
    ]);
  });
});

describe('evaluate and snapshot', () => {
  it('returns a transition only when the state changes, with from, to, reason and at', () => {
    const machine = new HealthStateMachine({ rise: 2, fall: 2, holdDownMs: 0, now: 0 });
    expect(machine.evaluate(roundOf('g', 10))).toBeNull();
    expect(machine.evaluate(roundOf('g', 20))).toEqual({
      from: 'starting',
      to: 'up',
      reason: 'ready: 2 good rounds, zones loaded, self-check ok',
      at: 20,
    });
    expect(machine.evaluate(roundOf('g', 30))).toBeNull();
    expect(machine.since).toBe(20);
  });

  it('keeps counting health while draining, without leaving draining', () => {
    const { machine } = run('gg DDD', { rise: 2 });
    const drainFail = { ...roundOf('D', 1000), selfCheck: { ok: false, detail: 'x' } };
    expect(machine.evaluate(drainFail)).toBeNull();
    expect(machine.evaluate({ ...drainFail, at: 1100 })).toBeNull();
    expect(machine.snapshot()).toMatchObject({ state: 'draining', consecutiveFail: 2, consecutiveOk: 0 });
  });

  it('stop wins over drain in the same round', () => {
    const machine = new HealthStateMachine({ ...DEFAULTS, now: 0 });
    expect(machine.evaluate({ ...roundOf('D', 100), stopping: true })?.to).toBe('stopped');
  });

  it('a clock that runs backwards is clamped', () => {
    const machine = new HealthStateMachine({ rise: 1, fall: 1, holdDownMs: 1000, flapPenaltyMs: 0, now: 0 });
    machine.evaluate(roundOf('g', 100));
    expect(machine.evaluate(roundOf('f', 5000))?.at).toBe(5000);
    expect(machine.evaluate(roundOf('g', 10))).toBeNull(); // seen as 5000: hold-down not over
    expect(machine.evaluate(roundOf('g', 6000))?.to).toBe('up');
  });

  it('snapshot shows counts, hold-down, waiting-for and the last transition', () => {
    const { machine } = run('gg fff g', { holdDownMs: 2000, flapPenaltyMs: 0 });
    expect(machine.snapshot()).toEqual({
      state: 'down',
      routing: 'withdraw',
      reason: `self-check failed 3 times: ${FAIL_DETAIL}`,
      since: 500,
      waitingFor: '1/2 good rounds, hold-down 1.9 s left',
      consecutiveOk: 1,
      consecutiveFail: 0,
      consecutiveOverload: 0,
      consecutiveCalm: 1,
      holdDownMs: 2000,
      holdDownLeftMs: 1900,
      flapScore: expect.closeTo(1, 2),
      transitions: 2,
      lastTransition: { from: 'up', to: 'down', reason: `self-check failed 3 times: ${FAIL_DETAIL}`, at: 500 },
    });
  });

  const waiting: Array<[string, string, string | null]> = [
    ['starting with no zone', 'zz', 'a loaded zone'],
    ['starting while failing', 'f', `a passing self-check (last: ${FAIL_DETAIL})`],
    ['starting, rising', 'g', '1/2 good rounds'],
    ['up and calm', 'gg', null],
    ['up, failing', 'gg f', '1/3 failed self-checks before withdrawal'],
    ['up, loaded', 'gg oo', '2/3 overloaded rounds before de-preference'],
    ['overloaded', 'gg ooo g', '1/2 rounds without overload'],
    ['overloaded, failing', 'gg ooo f', '1/3 failed self-checks before withdrawal'],
    ['draining', 'D', 'the drain to be lifted'],
    ['stopped', 'S', null],
  ];
  it.each(waiting)('waiting for: %s', (_name, script, text) => {
    expect(run(script).machine.snapshot().waitingFor).toBe(text);
  });

  const bad: Array<[string, Partial<HealthOptions>]> = [
    ['rise 0', { rise: 0 }],
    ['fractional fall', { fall: 1.5 }],
    ['negative hold-down', { holdDownMs: -1 }],
    ['zero half-life', { flapWindowMs: 0 }],
    ['cap below hold-down', { holdDownMs: 1000, maxHoldDownMs: 500 }],
    ['NaN penalty', { flapPenaltyMs: Number.NaN }],
    ['NaN clock', { now: Number.NaN }],
  ];
  it.each(bad)('rejects %s', (_name, opts) => {
    expect(() => new HealthStateMachine({ ...DEFAULTS, now: 0, ...opts })).toThrow(RangeError);
  });
});
