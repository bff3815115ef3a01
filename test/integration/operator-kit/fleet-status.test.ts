// `anycastd status --http A --http B`: one table for two real nodes, and an unreachable one marked.

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, startServer, type RunningServer } from '../support/server.js';

describe('fleet status', () => {
  const nodes: RunningServer[] = [];
  const http: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      http.push(`127.0.0.1:${port}`);
      nodes.push(await startServer({ args: ['--http', http[i], '--check-interval', '200'] }));
    }
    // DNS answers before the control plane's first round has published the zones in /status.
    for (const addr of http) await untilZoneListed(addr);
  });

  async function untilZoneListed(addr: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const doc = await fetch(`http://${addr}/status`).then((r) => r.json() as Promise<{ zones?: { serial: number | null }[] }>).catch(() => null);
      if (doc?.zones?.some((z) => z.serial !== null)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${addr}/status never listed a loaded zone`);
  }
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  const status = (...args: string[]) => spawnSync(process.execPath, [CLI, 'status', ...args], { encoding: 'utf8', timeout: 20_000 });

  it('prints one row per node with its state and the zone serial, exit 0 when they agree', () => {
    const r = status('--http', http[0], '--http', http[1]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NODE\s+STATE\s+ROUTING\s+QPS\s+example\.test\.\s+REASON$/);
    for (const [i, addr] of http.entries()) expect(lines[i + 1]).toMatch(new RegExp(`^${addr.replace(/\./g, '\\.')}\\s+\\w+\\s+\\S+\\s+[\\d.]+\\s+\\d+\\s`));
  });

  it('gives the same as JSON', () => {
    const r = status('--http', http[0], '--http', http[1], '--json');
    const view = JSON.parse(r.stdout) as { nodes: { node: string }[]; mismatched: string[]; serials: Record<string, Record<string, number>> };
    expect(view.nodes.map((n) => n.node)).toEqual(http);
    expect(view.mismatched).toEqual([]);
    expect(Object.keys(view.serials)).toEqual(['example.test.']);
  });

  it('marks a node that does not answer and exits 1', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const r = status('--http', http[0], '--http', dead);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${dead.replace(/\./g, '\\.')}\\s+unreachable`, 'm'));
  });
});
