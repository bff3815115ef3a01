// Small helpers for the secondary-zone tests: one UDP question, waiting for a condition.

import dnsPacket from 'dns-packet';
import { udpExchange } from '../support/server.js';

export async function ask(port: number, name: string, type = 'TXT'): Promise<dnsPacket.Packet & { rcode?: string }> {
  const q = dnsPacket.encode({ type: 'query', id: 77, questions: [{ name, type: type as 'TXT' }] });
  const r = await udpExchange(port, q, 1000);
  if (!r) throw new Error('no answer');
  return dnsPacket.decode(r) as dnsPacket.Packet & { rcode?: string };
}
export const txt = (p: dnsPacket.Packet) => p.answers?.map((a) => String((a.data as Buffer[])[0])).join(',');

/** /status and /metrics are snapshots the control plane publishes each round (and at least once a second). */
export const settle = () => new Promise((r) => setTimeout(r, 1200));

