// Tests for role classification: each query goes to exactly one role, in the order the RFCs rank them.

import { describe, expect, it } from 'vitest';
import { ParseOutcome, Query } from '../../wire/query.js';
import { Role, classify } from './classify.js';

function query(over: Partial<Pick<Query, 'opcode' | 'qtype' | 'qclass' | 'edns' | 'ednsVersion'>>): Query {
  const q = new Query();
  q.qtype = 1;
  q.qclass = 1;
  q.hasQuestion = true;
  Object.assign(q, over);
  return q;
}

describe('classify', () => {
  it('sends each kind of query to its role', () => {
    expect(classify(ParseOutcome.Ok, query({}))).toBe(Role.Internet);
    expect(classify(ParseOutcome.Ok, query({ qclass: 255 }))).toBe(Role.Internet);
    expect(classify(ParseOutcome.Ok, query({ qclass: 3, qtype: 16 }))).toBe(Role.Chaos);
    expect(classify(ParseOutcome.Ok, query({ opcode: 4 }))).toBe(Role.Notify);
    expect(classify(ParseOutcome.Ok, query({ opcode: 5 }))).toBe(Role.Update);
    expect(classify(ParseOutcome.Ok, query({ opcode: 2 }))).toBe(Role.OtherOpcode);
    expect(classify(ParseOutcome.Ok, query({ qtype: 252 }))).toBe(Role.Transfer);
    expect(classify(ParseOutcome.Ok, query({ qtype: 251 }))).toBe(Role.Transfer);
    expect(classify(ParseOutcome.Ok, query({ qtype: 0 }))).toBe(Role.Unsupported);
    expect(classify(ParseOutcome.Ok, query({ qclass: 4 }))).toBe(Role.Unsupported);
    expect(classify(ParseOutcome.FormErr, query({}))).toBe(Role.Malformed);
  });

  it('ranks FORMERR first, then BADVERS, then the opcode', () => {
    expect(classify(ParseOutcome.FormErr, query({ edns: true, ednsVersion: 1 }))).toBe(Role.Malformed);
    expect(classify(ParseOutcome.Ok, query({ edns: true, ednsVersion: 1, opcode: 4 }))).toBe(Role.BadVersion);
    expect(classify(ParseOutcome.Ok, query({ opcode: 4, qtype: 252 }))).toBe(Role.Notify);
  });
});
