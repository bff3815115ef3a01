// Presentation <-> wire name tests, including escapes and length limits.
import { describe, expect, it } from 'vitest';
import { nameFromText, nameToText } from './name-text.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const origin = nameFromText('example.test.', null);

describe('nameFromText', () => {
  it('encodes absolute names, keeping case', () => {
    expect(hex(nameFromText('Www.Example.', null))).toBe('03577777074578616d706c6500');
    expect(hex(nameFromText('.', null))).toBe('00');
  });

  it('appends the origin to relative names and expands @', () => {
    expect(nameToText(nameFromText('www', origin))).toBe('www.example.test.');
    expect(nameToText(nameFromText('@', origin))).toBe('example.test.');
    expect(nameToText(nameFromText('a.b', origin))).toBe('a.b.example.test.');
  });

  it('decodes \\. and \\DDD escapes', () => {
    expect(hex(nameFromText('a\\.b.', null))).toBe('03612e6200');
    expect(hex(nameFromText('\\065\\000z.', null))).toBe('0341007a00');
    expect(hex(nameFromText('a\\ b.', null))).toBe('0361206200');
    expect(hex(nameFromText('\\\\.', null))).toBe('015c00');
  });

  it('accepts 63-octet labels and 255-octet names', () => {
    const l63 = 'a'.repeat(63);
    expect(nameFromText(`${l63}.`, null).length).toBe(65);
    const n255 = `${l63}.${l63}.${l63}.${'b'.repeat(61)}.`;
    expect(nameFromText(n255, null).length).toBe(255);
  });

  it('rejects bad names with clear messages', () => {
    expect(() => nameFromText(`${'a'.repeat(64)}.`, null)).toThrow(/label longer than 63 octets/);
    const l63 = 'a'.repeat(63);
    expect(() => nameFromText(`${l63}.${l63}.${l63}.${'b'.repeat(62)}.`, null)).toThrow(/name longer than 255 octets/);
    expect(() => nameFromText(`${l63}.${l63}.${l63}.${'b'.repeat(50)}`, origin)).toThrow(/name longer than 255 octets/);
    expect(() => nameFromText('a..b.', null)).toThrow(/empty label/);
    expect(() => nameFromText('.a.', null)).toThrow(/empty label/);
    expect(() => nameFromText('a\\25.', null)).toThrow(/bad \\DDD escape/);
    expect(() => nameFromText('a\\256.', null)).toThrow(/above 255/);
    expect(() => nameFromText('www', null)).toThrow(/no \$ORIGIN/);
    expect(() => nameFromText('@', null)).toThrow(/no \$ORIGIN/);
    expect(() => nameFromText('', null)).toThrow(/empty name/);
  });
});

describe('nameToText', () => {
  it('writes absolute names with escapes', () => {
    expect(nameToText(Uint8Array.from([0]))).toBe('.');
    expect(nameToText(nameFromText('a\\.b.c\\032d.\\200.', null))).toBe('a\\.b.c\\032d.\\200.');
    expect(nameToText(nameFromText('q\\"\\;\\(\\)\\@\\$\\\\.', null))).toBe('q\\"\\;\\(\\)\\@\\$\\\\.');
  });

  it('reads at an offset', () => {
    const wire = Buffer.concat([Buffer.from([9, 9]), nameFromText('x.y.', null)]);
    expect(nameToText(wire, 2)).toBe('x.y.');
  });

  it('round-trips', () => {
    for (const n of ['example.', 'a\\.b.example.', '\\000.\\255.', '*.wild.example.']) {
      expect(nameToText(nameFromText(n, null))).toBe(n);
    }
  });
});
