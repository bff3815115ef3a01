// `anycastd status --http A --http B ...`: one row per node (state, routing, reason, qps, zone serials), mismatches marked.

/** The part of a node's GET /status document the fleet view reads. */
export interface NodeStatus {
  state: string;
  reason: string;
  routing: string;
  qps: number;
  zones: { origin: string | null; serial: number | null }[];
}

export interface FleetRow {
  node: string;
  status: NodeStatus | null;
  error: string | null;
}

export interface FleetView {
  nodes: FleetRow[];
  /** origin -> node -> serial (null: the node does not serve it). */
  serials: Record<string, Record<string, number | null>>;
  /** Origins whose serial is not the same on every reachable node. */
  mismatched: string[];
  unreachable: string[];
}

/** Exit codes: 0 every node reachable and in step, 1 a node unreachable, 2 serials differ. */
export const FLEET_EXIT = { ok: 0, unreachable: 1, mismatch: 2 } as const;

export function fleetView(rows: FleetRow[]): FleetView {
  const reachable = rows.filter((r) => r.status !== null);
  const origins = [...new Set(reachable.flatMap((r) => r.status!.zones.flatMap((z) => (z.origin ? [z.origin] : []))))].sort();
  const serials: FleetView['serials'] = {};
  const mismatched: string[] = [];
  for (const origin of origins) {
    serials[origin] = {};
    for (const r of reachable) serials[origin][r.node] = r.status!.zones.find((z) => z.origin === origin)?.serial ?? null;
    if (new Set(Object.values(serials[origin])).size > 1) mismatched.push(origin);
  }
  return { nodes: rows, serials, mismatched, unreachable: rows.filter((r) => r.status === null).map((r) => r.node) };
}

export function fleetExitCode(view: FleetView): number {
  if (view.unreachable.length > 0) return FLEET_EXIT.unreachable;
  return view.mismatched.length > 0 ? FLEET_EXIT.mismatch : FLEET_EXIT.ok;
}

/** A plain-text table; a serial that differs from the others is marked with `*`. */
export function formatFleet(view: FleetView): string {
  const origins = Object.keys(view.serials);
  const header = ['NODE', 'STATE', 'ROUTING', 'QPS', ...origins, 'REASON'];
  const rows = view.nodes.map((r) => {
    if (!r.status) return [r.node, 'unreachable', '-', '-', ...origins.map(() => '-'), r.error ?? ''];
    const s = r.status;
    const zoneCells = origins.map((o) => {
      const serial = view.serials[o][r.node];
      return `${serial ?? 'missing'}${view.mismatched.includes(o) ? '*' : ''}`;
    });
    return [r.node, s.state, s.routing, s.qps.toFixed(1), ...zoneCells, s.reason];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (view.mismatched.length > 0) out.push(`* serial differs between nodes: ${view.mismatched.join(', ')}`);
  return out.join('\n');
}

/** Reads GET /status from every node at once; a node that does not answer in time is a row with its error. */
export async function fetchFleet(nodes: string[], timeoutMs = 3000): Promise<FleetRow[]> {
  return Promise.all(nodes.map(async (node): Promise<FleetRow> => {
    try {
      const res = await fetch(`http://${node}/status`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return { node, status: null, error: `HTTP ${res.status}` };
      return { node, status: (await res.json()) as NodeStatus, error: null };
    } catch (err) {
      return { node, status: null, error: (err as Error).message };
    }
  }));
}

export async function runFleetStatus(nodes: string[], json: boolean, print: (line: string) => void): Promise<number> {
  const view = fleetView(await fetchFleet(nodes));
  print(json ? JSON.stringify(view, null, 2) : formatFleet(view));
  return fleetExitCode(view);
}
