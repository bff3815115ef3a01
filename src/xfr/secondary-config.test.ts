import { describe, expect, it } from 'vitest';
import { parseSource, secondaryConfig } from './secondary-config.js';
import type { TsigKey } from './tsig-keys.js';

const keys: TsigKey[] = [{ name: 'xfr.', algorithm: 'hmac-sha256', secret: Buffer.from('k') }];

describe('--secondary / --catalog values', () => {
  it.each([
    ['example.org@192.0.2.53:5300,key=xfr', { origin: 'example.org.', host: '192.0.2.53', port: 5300, keyName: 'xfr.' }],
    ['Example.ORG.@192.0.2.53', { origin: 'example.org.', host: '192.0.2.53', port: 53, keyName: null }],
    ['example.org@[2001:db8::53]:53', { origin: 'example.org.', host: '2001:db8::53', port: 53, keyName: null }],
    ['example.org@[::1]', { origin: 'example.org.', host: '::1', port: 53, keyName: null }],
  ])('%s', (text, want) => {
    expect(parseSource('secondary', text, keys)).toEqual(want);
  });

  it.each([
    ['example.org', /expects ORIGIN@ADDR/],
    ['example.org@ns1.example:53', /must be an IP address/],
    ['example.org@192.0.2.1:70000', /bad port/],
    ['example.org@192.0.2.1,key=nokey', /no TSIG key nokey\. in --tsig-keys/],
    ['exa mple.org@192.0.2.1', /expects ORIGIN@ADDR/],
  ])('refuses %s', (text, message) => {
    expect(() => parseSource('secondary', text, keys)).toThrow(message);
  });

  it('refuses the same zone twice, and is null when nothing is configured', () => {
    expect(() => secondaryConfig({ secondary: ['a.test@127.0.0.1'], catalog: ['a.test@127.0.0.1'] })).toThrow(/given twice/);
    expect(secondaryConfig({})).toBeNull();
    expect(secondaryConfig({ secondary: ['a.test@127.0.0.1'] })).toMatchObject({ dir: './secondary', keepExpiredAnnounced: false });
  });
});
