// Tests for the node states: each state maps to the routing the design asks for.

import { describe, expect, it } from 'vitest';
import { NODE_STATES, type NodeState, type Routing, routingFor, routingRank } from './state.js';

describe('routingFor', () => {
  const table: Array<[NodeState, Routing]> = [
    ['starting', 'withdraw'],
    ['up', 'announce'],
    ['overloaded', 'deprefer'],
    ['down', 'withdraw'],
    ['draining', 'withdraw'],
    ['stopped', 'withdraw'],
  ];
  it.each(table)('%s -> %s', (state, routing) => {
    expect(routingFor(state)).toBe(routing);
  });

  it('covers every state', () => {
    expect(table.map(([s]) => s).sort()).toEqual([...NODE_STATES].sort());
  });

  it('only overload de-prefers, only up announces', () => {
    expect(NODE_STATES.filter((s) => routingFor(s) === 'deprefer')).toEqual(['overloaded']);
    expect(NODE_STATES.filter((s) => routingFor(s) === 'announce')).toEqual(['up']);
  });
});

describe('routingRank', () => {
  it('orders withdraw < deprefer < announce', () => {
    expect(routingRank('withdraw')).toBeLessThan(routingRank('deprefer'));
    expect(routingRank('deprefer')).toBeLessThan(routingRank('announce'));
  });
});
