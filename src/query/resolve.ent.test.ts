// Resolver outcome at empty non-terminals (RFC 4592 section 2.2.2): they exist, so NODATA, never NXDOMAIN.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
a.b.c TXT "deep"
*.e A 192.0.2.9
`);

describe('empty non-terminals', () => {
  it('answers NODATA at each empty name above real data', () => {
    for (const name of ['b.c.example.test', 'c.example.test']) {
      const { msg } = ask(h, name, 'TXT');
      expect(msg.rcode, name).toBe('NOERROR');
      expect(msg.answers, name).toEqual([]);
      expect(rrs(msg.authorities), name).toEqual(['example.test SOA']);
      expect(h.lastOutcome.kind).toBe(OutcomeKind.NoData);
      expect(h.lastOutcome.node).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers NXDOMAIN below an empty non-terminal when nothing matches', () => {
    expect(ask(h, 'x.b.c.example.test', 'A').msg.rcode).toBe('NXDOMAIN');
  });

  it('answers NODATA at the parent of a wildcard, which exists as an empty non-terminal', () => {
    const { msg } = ask(h, 'e.example.test', 'A');
    expect(msg.rcode).toBe('NOERROR');
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NoData);
  });
});
