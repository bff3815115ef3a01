import { describe, expect, it } from 'vitest';
import { formatTsigKey, parseTsigKeys } from './tsig-keys.js';

const KEYGEN = `key "xfr-key" {
\talgorithm hmac-sha256;
\tsecret "3q2+7w==";
};
# a second one
key "other.example." { algorithm HMAC-SHA512; /* inline */ secret "AAECAw=="; };
`;

describe('parseTsigKeys', () => {
  it('reads tsig-keygen output, several keys and comments', () => {
    const keys = parseTsigKeys(KEYGEN, 'k.conf');
    expect(keys.map((k) => [k.name, k.algorithm, k.secret.toString('hex')])).toEqual([
      ['xfr-key.', 'hmac-sha256', 'deadbeef'],
      ['other.example.', 'hmac-sha512', '00010203'],
    ]);
  });

  it('round-trips through formatTsigKey', () => {
    const [k] = parseTsigKeys(KEYGEN, 'k.conf');
    expect(parseTsigKeys(formatTsigKey(k), 'x')).toEqual([k]);
  });

  it.each([
    ['key "a" {\n algorithm hmac-sha256;\n secret "3q2+7w==" \n};\n', 'k.conf:4: expected ";", got "}"'],
    ['key "a" {\n algorithm hmac-foo;\n secret "3q2+7w==";\n};\n', 'k.conf:2: unknown TSIG algorithm "hmac-foo"'],
    ['key "a" {\n algorithm hmac-sha256;\n secret "not base64!";\n};\n', 'k.conf:3: secret is not valid base64'],
    ['key "a" {\n algorithm hmac-sha256;\n};\n', 'k.conf:1: key a. has no secret'],
    ['\n\nkey "a" {\n algorithm hmac-sha256;\n secret "3q2+7w==";\n', 'k.conf:5: unexpected end of file'],
    ['key "a" {\n secret "unterminated;\n};\n', 'k.conf:2: unterminated string'],
    ['zone "a" {};', 'k.conf:1: expected "key", got "zone"'],
  ])('names file:line on a syntax error (%#)', (text, message) => {
    expect(() => parseTsigKeys(text, 'k.conf')).toThrow(message);
  });

  it('refuses a key defined twice', () => {
    expect(() => parseTsigKeys(KEYGEN + KEYGEN, 'k.conf')).toThrow(/k.conf:7: key xfr-key. is defined twice/);
  });
});
