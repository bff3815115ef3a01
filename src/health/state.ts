// Node health states, what each one means for the BGP route, and the shape of a state change.

/**
 * - starting:   not yet proven healthy (boot, or just undrained). Never announced.
 * - up:         healthy: announce normally.
 * - overloaded: healthy but over capacity: announce de-preferred, never withdraw (RFC 9199, C4).
 * - down:       the self-check failed or no zone is loaded: withdraw.
 * - draining:   the operator (CLI or maintenance file) asked to leave: withdraw, keep answering.
 * - stopped:    the service is exiting: withdraw. Terminal.
 */
export type NodeState = 'starting' | 'up' | 'overloaded' | 'down' | 'draining' | 'stopped';

/** What the BIRD include file should say for a state. */
export type Routing = 'announce' | 'deprefer' | 'withdraw';

export const NODE_STATES: readonly NodeState[] = ['starting', 'up', 'overloaded', 'down', 'draining', 'stopped'];

export function routingFor(state: NodeState): Routing {
  switch (state) {
    case 'up':
      return 'announce';
    case 'overloaded':
      return 'deprefer';
    case 'starting':
    case 'down':
    case 'draining':
    case 'stopped':
      return 'withdraw';
  }
}

/** How attractive a routing is to the fleet: a change to a higher rank is a (re-)announcement. */
export function routingRank(routing: Routing): number {
  switch (routing) {
    case 'withdraw':
      return 0;
    case 'deprefer':
      return 1;
    case 'announce':
      return 2;
  }
}

/** A state always travels with why it was entered and since when (ms, same clock as the check rounds). */
export interface StateInfo {
  readonly state: NodeState;
  readonly reason: string;
  readonly since: number;
}

/** One state change, as logged, exported as a metric and shown in /status. */
export interface Transition {
  readonly from: NodeState;
  readonly to: NodeState;
  readonly reason: string;
  readonly at: number;
}
