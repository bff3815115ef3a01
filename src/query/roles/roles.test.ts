// Tests for the small roles through the handler: NOTIFY, transfers, and the error-only answers, with their outcomes.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { handlerFor } from '../ask.test-util.js';
import { OutcomeKind } from '../outcome.js';
import { Transport } from '../stats.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
`);

function rcodeOf(type: string, o: { opcode?: number; klass?: number; qtype?: number; transport?: Transport } = {}): { rcode: number; kind: OutcomeKind } {
  const pkt = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'example.test', type: type as 'A', class: 'IN' }] });
  if (o.opcode) pkt[2] |= o.opcode << 3;
  if (o.klass) pkt.writeUInt16BE(o.klass, pkt.length - 2);
  if (o.qtype !== undefined) pkt.writeUInt16BE(o.qtype, pkt.length - 4);
  expect(h.handle(pkt, pkt.length, o.transport ?? Transport.Udp, { address: '127.0.0.1', port: 53000 })).toBeGreaterThan(0);
  return { rcode: h.response()[3] & 0xf, kind: h.lastOutcome.kind };
}

describe('roles', () => {
  it('NOTIFY and UPDATE: NOTAUTH, a refusal', () => {
    expect(rcodeOf('SOA', { opcode: 4 })).toEqual({ rcode: 9, kind: OutcomeKind.Refused });
    expect(rcodeOf('SOA', { opcode: 5 })).toEqual({ rcode: 9, kind: OutcomeKind.Refused });
  });

  it('transfers: NOTIMP for AXFR over UDP, NOTAUTH otherwise', () => {
    expect(rcodeOf('AXFR')).toEqual({ rcode: 4, kind: OutcomeKind.Refused });
    expect(rcodeOf('AXFR', { transport: Transport.Tcp })).toEqual({ rcode: 9, kind: OutcomeKind.Refused });
    expect(rcodeOf('IXFR')).toEqual({ rcode: 9, kind: OutcomeKind.Refused });
  });

  it('unknown opcode: NOTIMP; unknown class: REFUSED; QTYPE 0: NOTIMP', () => {
    expect(rcodeOf('SOA', { opcode: 3 })).toEqual({ rcode: 4, kind: OutcomeKind.Error });
    expect(rcodeOf('SOA', { klass: 4 })).toEqual({ rcode: 5, kind: OutcomeKind.Refused });
    expect(rcodeOf('A', { qtype: 0 })).toEqual({ rcode: 4, kind: OutcomeKind.Error });
  });
});
