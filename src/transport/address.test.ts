// Tests for listen address parsing: the accepted forms and a clear error for each bad one.

import { describe, expect, it } from 'vitest';
import { formatListen, parseListen } from './address.js';

describe('parseListen', () => {
  it('reads IPv4, bracketed IPv6 and a bare port', () => {
    expect(parseListen('127.0.0.1:53')).toEqual({ host: '127.0.0.1', port: 53, family: 4 });
    expect(parseListen('[::1]:5353')).toEqual({ host: '::1', port: 5353, family: 6 });
    expect(parseListen(':53')).toEqual({ host: '0.0.0.0', port: 53, family: 4 });
  });

  it('round-trips through formatListen', () => {
    for (const text of ['127.0.0.1:53', '[::1]:5353']) expect(formatListen(parseListen(text))).toBe(text);
  });

  it('rejects what it cannot bind, saying why', () => {
    expect(() => parseListen('localhost:53')).toThrow(/not an IP address/);
    expect(() => parseListen('127.0.0.1:70000')).toThrow(/port out of range/);
    expect(() => parseListen('[127.0.0.1]:53')).toThrow(/brackets are for IPv6/);
    expect(() => parseListen('::1:53')).toThrow(/expected ADDR:PORT/);
    expect(() => parseListen('127.0.0.1')).toThrow(/expected ADDR:PORT/);
  });
});
