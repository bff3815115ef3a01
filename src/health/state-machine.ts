// Folds check rounds into one node state: rise/fall counts, hold-down before re-announcing, flap damping.

import { type CheckRound, type Health, healthOf, intentOf } from './check-result.js';
import { type NodeState, type Routing, type Transition, routingFor } from './state.js';

export interface HealthOptions {
  /** Consecutive good rounds before (re-)announcing. */
  readonly rise: number;
  /** Consecutive failed (or overloaded) rounds before withdrawing (or de-preferring). */
  readonly fall: number;
  /** Minimum time after a state change before the route is made more attractive again. */
  readonly holdDownMs: number;
  /** Extra hold-down per unit of flap score above 1. Default: holdDownMs. */
  readonly flapPenaltyMs?: number;
  /** Half-life of the flap score. Default: 60 s. */
  readonly flapWindowMs?: number;
  /** Cap on the effective hold-down. Default: holdDownMs + 10 * flapPenaltyMs. */
  readonly maxHoldDownMs?: number;
  /** Clock reading at construction: `since` of the initial starting state. */
  readonly now: number;
}

/** Everything /status shows about health. */
export interface HealthSnapshot {
  readonly state: NodeState;
  readonly routing: Routing;
  readonly reason: string;
  readonly since: number;
  /** What must happen before the next change, or null when nothing is pending. */
  readonly waitingFor: string | null;
  readonly consecutiveOk: number;
  readonly consecutiveFail: number;
  readonly consecutiveOverload: number;
  readonly consecutiveCalm: number;
  /** Effective hold-down now (holdDownMs plus flap penalty, capped). */
  readonly holdDownMs: number;
  /** Time until a re-announcement could happen; 0 when not held down. */
  readonly holdDownLeftMs: number;
  readonly flapScore: number;
  readonly transitions: number;
  readonly lastTransition: Transition | null;
}

/**
 * The contract, rule by rule:
 * - starting -> up after `rise` consecutive good rounds (zones loaded, self-check ok). Never before,
 *   so a node with no zone or a failing self-check is never announced. No hold-down: nothing to damp.
 * - up|overloaded -> down at the `fall`-th consecutive failed self-check, or at once when no zone is
 *   loaded (a definite local fact, not a noisy probe). Withdrawal is never delayed.
 * - up -> overloaded after `fall` consecutive overloaded rounds; de-preferring is never delayed either.
 * - down -> up, and overloaded -> up, need `rise` rounds (good / without overload) AND the effective
 *   hold-down since the last change. A node that recovers while overloaded comes back as overloaded
 *   (de-preferred) rather than attracting a full share of traffic at once.
 * - draining: entered at once from any state but stopped. When the drain is lifted the node behaves
 *   as at boot (starting, `rise` good rounds counted from the undrain, no hold-down): the operator
 *   asked for it, so the flap damping does not apply, and operator changes add no flap penalty.
 * - stopped: entered at once when stopping; terminal.
 *
 * Flap damping (in the spirit of BGP route flap damping, RFC 2439): every change among up, overloaded
 * and down adds 1 to a flap score that halves every flapWindowMs:
 *     score(t)  = sum over those changes i of 2^(-(t - t_i) / flapWindowMs)
 *     holdDown  = min(maxHoldDownMs, holdDownMs + flapPenaltyMs * max(0, score(t) - 1))
 * The first change of a quiet period is free; each further one lengthens the wait, and the wait
 * shrinks back to holdDownMs once the node stops flapping. It is evaluated at each round, so a long
 * hold-down earned while flapping also decays while waiting.
 */
export class HealthStateMachine {
  private readonly rise: number;
  private readonly fall: number;
  private readonly holdDown: number;
  private readonly penalty: number;
  private readonly halfLife: number;
  private readonly maxHoldDown: number;

  private current: NodeState = 'starting';
  private why = 'waiting for the first check';
  private sinceAt: number;
  private lastAt: number;
  private lastHealth: Health | null = null;
  private okRun = 0;
  private failRun = 0;
  private overRun = 0;
  private calmRun = 0;
  private score = 0;
  private scoreAt: number;
  private changes = 0;
  private last: Transition | null = null;

  constructor(opts: HealthOptions) {
    this.rise = positiveInt('rise', opts.rise);
    this.fall = positiveInt('fall', opts.fall);
    this.holdDown = nonNegative('holdDownMs', opts.holdDownMs);
    this.penalty = nonNegative('flapPenaltyMs', opts.flapPenaltyMs ?? opts.holdDownMs);
    this.halfLife = nonNegative('flapWindowMs', opts.flapWindowMs ?? 60_000);
    if (this.halfLife === 0) throw new RangeError('flapWindowMs must be > 0');
    this.maxHoldDown = nonNegative('maxHoldDownMs', opts.maxHoldDownMs ?? this.holdDown + 10 * this.penalty);
    if (this.maxHoldDown < this.holdDown) throw new RangeError('maxHoldDownMs must be >= holdDownMs');
    if (!Number.isFinite(opts.now)) throw new RangeError('now must be a finite number');
    this.sinceAt = this.lastAt = this.scoreAt = opts.now;
  }

  get state(): NodeState {
    return this.current;
  }

  get reason(): string {
    return this.why;
  }

  get since(): number {
    return this.sinceAt;
  }

  get routing(): Routing {
    return routingFor(this.current);
  }

  /** Folds one round in; returns the state change it caused, if any (at most one per round). */
  evaluate(round: CheckRound): Transition | null {
    if (this.current === 'stopped') return null;
    // The clock is the caller's; never let it run backwards inside the machine.
    const at = Math.max(this.lastAt, round.at);
    this.lastAt = at;
    const intent = intentOf(round);
    if (intent === 'stop') return this.change('stopped', 'stopping', at);
    const health = healthOf(round);
    if (intent === 'drain') {
      this.count(health);
      return this.current === 'draining' ? null : this.change('draining', 'drain requested', at);
    }
    if (this.current === 'draining') {
      // Undrain: only rounds after the drain was lifted count towards rise.
      this.okRun = this.failRun = this.overRun = this.calmRun = 0;
      this.count(health);
      if (this.okRun >= this.rise) return this.announce(`drain lifted: ${rounds(this.okRun, 'good round')}`, at);
      return this.change('starting', `drain lifted: waiting for ${rounds(this.rise, 'good round')}`, at);
    }
    this.count(health);
    switch (this.current) {
      case 'starting':
        if (this.okRun < this.rise) return null;
        return this.announce(`ready: ${rounds(this.okRun, 'good round')}, zones loaded, self-check ok`, at);
      case 'up':
        return this.failure(health, at) ?? this.overload(health, at);
      case 'overloaded': {
        const failed = this.failure(health, at);
        if (failed !== null || this.calmRun < this.rise || !this.heldDownPassed(at)) return failed;
        const reason = `overload cleared: ${rounds(this.calmRun, 'round')} without overload, ${this.holdDownText(at)} passed`;
        return this.change('up', reason, at);
      }
      case 'down':
        if (this.okRun < this.rise || !this.heldDownPassed(at)) return null;
        return this.announce(`recovered: ${rounds(this.okRun, 'good round')}, ${this.holdDownText(at)} passed`, at);
    }
  }

  /** The effective hold-down at `at` (defaults to the last round's time). */
  holdDownMs(at: number = this.lastAt): number {
    const extra = this.penalty * Math.max(0, this.flapScore(at) - 1);
    return Math.min(this.maxHoldDown, this.holdDown + extra);
  }

  /** The decayed flap score at `at` (defaults to the last round's time). */
  flapScore(at: number = this.lastAt): number {
    const elapsed = Math.max(0, at - this.scoreAt);
    return this.score * Math.pow(2, -elapsed / this.halfLife);
  }

  snapshot(at: number = this.lastAt): HealthSnapshot {
    const heldDown = this.current === 'down' || this.current === 'overloaded';
    return {
      state: this.current,
      routing: routingFor(this.current),
      reason: this.why,
      since: this.sinceAt,
      waitingFor: this.waitingFor(at),
      consecutiveOk: this.okRun,
      consecutiveFail: this.failRun,
      consecutiveOverload: this.overRun,
      consecutiveCalm: this.calmRun,
      holdDownMs: this.holdDownMs(at),
      holdDownLeftMs: heldDown ? this.holdDownLeft(at) : 0,
      flapScore: this.flapScore(at),
      transitions: this.changes,
      lastTransition: this.last,
    };
  }

  private count(health: Health): void {
    this.lastHealth = health;
    switch (health.kind) {
      case 'no-zones':
      case 'failed':
        this.failRun++;
        this.okRun = this.overRun = this.calmRun = 0;
        return;
      case 'overloaded':
        this.okRun++;
        this.overRun++;
        this.failRun = this.calmRun = 0;
        return;
      case 'good':
        this.okRun++;
        this.calmRun++;
        this.failRun = this.overRun = 0;
        return;
    }
  }

  /** Withdrawal from an announced state: immediate on no zone, at the fall-th failed self-check. */
  private failure(health: Health, at: number): Transition | null {
    if (health.kind === 'no-zones') return this.change('down', 'no zone loaded', at);
    if (health.kind === 'failed' && this.failRun >= this.fall) {
      return this.change('down', `self-check failed ${times(this.failRun)}: ${health.detail}`, at);
    }
    return null;
  }

  private overload(health: Health, at: number): Transition | null {
    if (health.kind !== 'overloaded' || this.overRun < this.fall) return null;
    return this.change('overloaded', `overload: ${health.detail} for ${rounds(this.overRun, 'round')}`, at);
  }

  /** Becomes announced: de-preferred if the latest round still reports overload. */
  private announce(reason: string, at: number): Transition {
    const health = this.lastHealth;
    if (health !== null && health.kind === 'overloaded') {
      return this.change('overloaded', `${reason}; still overloaded: ${health.detail}`, at);
    }
    return this.change('up', reason, at);
  }

  private change(to: NodeState, reason: string, at: number): Transition {
    const from = this.current;
    if (isDamped(from) && isDamped(to)) {
      this.score = this.flapScore(at) + 1;
      this.scoreAt = at;
    }
    const transition: Transition = { from, to, reason, at };
    this.current = to;
    this.why = reason;
    this.sinceAt = at;
    this.changes++;
    this.last = transition;
    return transition;
  }

  private heldDownPassed(at: number): boolean {
    return at - this.sinceAt >= this.holdDownMs(at);
  }

  private holdDownLeft(at: number): number {
    return Math.max(0, this.holdDownMs(at) - (at - this.sinceAt));
  }

  private holdDownText(at: number): string {
    return `hold-down ${seconds(this.holdDownMs(at))} s`;
  }

  private waitingFor(at: number): string | null {
    const health = this.lastHealth;
    const left = this.holdDownLeft(at);
    const hold = left > 0 ? `, hold-down ${seconds(left)} s left` : '';
    switch (this.current) {
      case 'starting':
      case 'down':
        if (health === null) return `${this.rise} good rounds`;
        if (health.kind === 'no-zones') return 'a loaded zone';
        if (health.kind === 'failed') return `a passing self-check (last: ${health.detail})`;
        return `${this.okRun}/${this.rise} good rounds${this.current === 'down' ? hold : ''}`;
      case 'up':
        if (health?.kind === 'failed') return `${this.failRun}/${this.fall} failed self-checks before withdrawal`;
        if (health?.kind === 'overloaded') return `${this.overRun}/${this.fall} overloaded rounds before de-preference`;
        return null;
      case 'overloaded':
        if (health?.kind === 'failed') return `${this.failRun}/${this.fall} failed self-checks before withdrawal`;
        return `${this.calmRun}/${this.rise} rounds without overload${hold}`;
      case 'draining':
        return 'the drain to be lifted';
      case 'stopped':
        return null;
    }
  }
}

/** The states between which changes count as flaps; starting, draining and stopped are not damped. */
function isDamped(state: NodeState): boolean {
  return state === 'up' || state === 'overloaded' || state === 'down';
}

function rounds(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}
