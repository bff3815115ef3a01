// The control protocol's parser: valid requests pass, anything else is an error text, never an exception.

import { describe, expect, it } from 'vitest';
import { LineSplitter, parseControlRequest } from './control-protocol.js';

describe('parseControlRequest', () => {
  it('accepts a versioned command, with numeric args', () => {
    expect(parseControlRequest('{"v":1,"cmd":"drain"}')).toEqual({ ok: true, request: { v: 1, cmd: 'drain', args: {} } });
    expect(parseControlRequest('{"v":1,"cmd":"debug-block","args":{"ms":50}}')).toEqual({ ok: true, request: { v: 1, cmd: 'debug-block', args: { ms: 50 } } });
  });

  it.each([
    ['not json', /not JSON/],
    ['[1,2]', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['"drain"', /expected a JSON object/],
    ['{"cmd":"drain"}', /unsupported protocol version null/],
    ['{"v":2,"cmd":"drain"}', /unsupported protocol version 2/],
    ['{"v":"1","cmd":"drain"}', /unsupported protocol version "1"/],
    ['{"v":1}', /unknown command null/],
    ['{"v":1,"cmd":"shutdown"}', /unknown command "shutdown"/],
    ['{"v":1,"cmd":{"x":1}}', /unknown command/],
    ['{"v":1,"cmd":"status","args":[1]}', /"args" must be an object/],
    ['{"v":1,"cmd":"debug-block","args":{"ms":"9"}}', /args.ms must be a number/],
    ['{"v":1,"cmd":"debug-block","args":{"ms":-1}}', /args.ms must be a number/],
    ['{"v":1,"cmd":"__proto__"}', /unknown command/],
  ])('refuses %s', (line, message) => {
    const parsed = parseControlRequest(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('LineSplitter', () => {
  it('joins lines across chunks and drops blank lines and CRs', () => {
    const s = new LineSplitter(100);
    expect(s.push('{"a"')).toEqual([]);
    expect(s.push(':1}\r\n\n{"b":2}\n{"c"')).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('says oversized once a line passes the limit, with or without its newline', () => {
    expect(new LineSplitter(10).push('x'.repeat(11))).toBe('oversized');
    expect(new LineSplitter(10).push(`${'x'.repeat(11)}\n`)).toBe('oversized');
    expect(new LineSplitter(10).push(`${'x'.repeat(10)}\n`)).toEqual(['x'.repeat(10)]);
  });
});
