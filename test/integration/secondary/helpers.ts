// Small helpers for the secondary-zone tests: one UDP question, waiting for a condition.

import dnsPacket from 'dns-packet';
import { udpExchange } from '../support/server.js';

export async function ask(port: number, name: string, type = 'TXT'): Promise<dnsPacket.Packet & { rcode?: string }> {
  const q = dnsPacket.encode({ type: 'query', id: 77, questions: [{ name, type: type as 'TXT' }] });
  const r = await udpExchange(port, q, 1000);
  if (!r) throw new Error('no answer');
  return dnsPacket.decode(r) as dnsPacket.Packet & { rcode?: string };
}
export const txt = (p: dnsPacket.Packet) => p.answers?.map((a) => String(((a as { data: Buffer[] }).data)[0])).join(',');

/** /status and /metrics are snapshots the control plane publishes each round (and at least once a second). */
export const settle = () => new Promise((r) => setTimeout(r, 1200));


/** The node's read-only HTTP: /metrics as text, one metric's first number by pattern, /status as JSON. */
export function nodeHttp(port: () => number) {
  const get = (path: string) => fetch(`http://127.0.0.1:${port()}${path}`, { signal: AbortSignal.timeout(2000) });
  const metrics = async () => (await get('/metrics')).text();
  return {
    metrics,
    metric: async (re: RegExp) => Number(re.exec(await metrics())?.[1] ?? NaN),
    status: async <T = Record<string, unknown>>() => (await (await get('/status')).json()) as T,
  };
}
