// The fleet view: one row per node, serial mismatches marked, unreachable nodes shown, exit codes.

import { describe, expect, it } from 'vitest';
import { FLEET_EXIT, fleetExitCode, fleetView, formatFleet, type FleetRow, type NodeStatus } from './fleet.js';

const node = (state: string, serials: Record<string, number>, qps = 10): NodeStatus => ({
  state, reason: `${state} reason`, routing: state === 'up' ? 'announced' : 'withdrawn', qps,
  zones: Object.entries(serials).map(([origin, serial]) => ({ origin, serial })),
});

describe('fleet view', () => {
  it('lists every node with state, routing, qps and each zone serial', () => {
    const rows: FleetRow[] = [
      { node: 'a:8053', status: node('up', { 'example.test.': 5, 'other.test.': 7 }), error: null },
      { node: 'b:8053', status: node('up', { 'example.test.': 5, 'other.test.': 7 }, 12.25), error: null },
    ];
    const view = fleetView(rows);
    expect(view.mismatched).toEqual([]);
    expect(fleetExitCode(view)).toBe(FLEET_EXIT.ok);
    const text = formatFleet(view).split('\n');
    expect(text[0]).toMatch(/^NODE\s+STATE\s+ROUTING\s+QPS\s+example\.test\.\s+other\.test\.\s+REASON$/);
    expect(text[2]).toMatch(/^b:8053\s+up\s+announced\s+12\.3\s+5\s+7\s+up reason$/);
    expect(text).toHaveLength(3);
  });

  it('marks a serial that differs, and a zone a node does not serve', () => {
    const view = fleetView([
      { node: 'a', status: node('up', { 'example.test.': 5, 'other.test.': 7 }), error: null },
      { node: 'b', status: node('down', { 'example.test.': 4 }), error: null },
    ]);
    expect(view.mismatched).toEqual(['example.test.', 'other.test.']);
    expect(view.serials['other.test.']).toEqual({ a: 7, b: null });
    const text = formatFleet(view);
    expect(text).toMatch(/^b\s+down\s+withdrawn\s+10\.0\s+4\*\s+missing\*/m);
    expect(text).toContain('* serial differs between nodes: example.test., other.test.');
    expect(fleetExitCode(view)).toBe(FLEET_EXIT.mismatch);
  });

  it('shows an unreachable node with its error and exits 1', () => {
    const view = fleetView([
      { node: 'a', status: node('up', { 'example.test.': 5 }), error: null },
      { node: 'b', status: null, error: 'fetch failed' },
    ]);
    expect(view.unreachable).toEqual(['b']);
    expect(view.mismatched).toEqual([]);
    expect(formatFleet(view)).toMatch(/^b\s+unreachable\s+-\s+-\s+-\s+fetch failed$/m);
    expect(fleetExitCode(view)).toBe(FLEET_EXIT.unreachable);
  });
});
