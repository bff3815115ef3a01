// Test helper: a QueryHandler over zones compiled in-process, and a one-line way to ask it a question.

import { expect } from 'vitest';
import dnsPacket from 'dns-packet';
import { QueryHandler } from './handler.js';
import { ZoneSet } from './zoneset.js';
import { Transport } from './stats.js';
import { compileZoneText } from '../zone/loading/load.js';

/** A handler serving the given zone texts (each starts with its own $ORIGIN line). */
export function handlerFor(...zoneTexts: string[]): QueryHandler {
  const h = new QueryHandler({ nsid: 'unit1', identity: 'unit1', version: null });
  const zones = zoneTexts.map((text) => {
    const origin = /^\$ORIGIN\s+(\S+)/m.exec(text)![1];
    const r = compileZoneText(text, origin);
    expect(r.errors).toEqual([]);
    return r.zone!;
  });
  h.zones = new ZoneSet(zones);
  return h;
}

export interface AskOptions {
  edns?: boolean;
  udpSize?: number;
  dnssecOk?: boolean;
  nsid?: boolean;
  /** EDNS version. */
  version?: number;
  klass?: string;
  /** Opcode (dns-packet's encoder does not write it). */
  opcode?: number;
  rd?: boolean;
  transport?: Transport;
}

/** Sends one query; returns the decoded response (loosely typed: dns-packet's typings lack rcode) and raw bytes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ask(h: QueryHandler, name: string, type: string, o: AskOptions = {}): { msg: any; raw: Buffer } {
  const options = o.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [];
  const opt = { type: 'OPT', name: '.', udpPayloadSize: o.udpSize ?? 1232, flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0, options, ednsVersion: o.version ?? 0 };
  const pkt = dnsPacket.encode({
    type: 'query', id: 4242, flags: o.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: type as 'A', class: (o.klass ?? 'IN') as 'IN' }],
    additionals: o.edns === false ? [] : [opt as unknown as dnsPacket.Answer],
  });
  if (o.opcode) pkt[2] |= o.opcode << 3;
  const len = h.handle(pkt, pkt.length, o.transport ?? Transport.Udp);
  expect(len).toBeGreaterThan(0);
  const raw = h.response();
  return { raw, msg: dnsPacket.decode(raw) };
}

/** "owner TYPE" per record, owners lower-cased, OPT left out. */
export function rrs(section: dnsPacket.Answer[] | undefined): string[] {
  return (section ?? []).filter((r) => r.type !== 'OPT').map((r) => `${r.name.toLowerCase()} ${r.type}`);
}
