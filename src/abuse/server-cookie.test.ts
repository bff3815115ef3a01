import { describe, expect, it } from 'vitest';
import { CookieResult, ServerCookies, parseCookieSecret } from './server-cookie.js';
import { parseIp } from './client-address.js';

const SECRET_A = 'e5e973e5a6b2a43f48e7dc849e37bfcf';
const SECRET_B = '445536bcd2513298075a5d379663c962';

function ip(text: string): [Uint8Array, number] {
  const b = new Uint8Array(16);
  return [b, parseIp(text, b)];
}

function secret(hex: string): Uint8Array {
  return parseCookieSecret(hex);
}

function check(c: ServerCookies, cookieHex: string, from: string, now: number): [CookieResult, string] {
  const opt = Buffer.from(cookieHex, 'hex');
  const [b, n] = ip(from);
  const r = c.check(opt, 0, opt.length, b, n, now);
  return [r, Buffer.from(c.reply).toString('hex')];
}

// RFC 9018 Appendix A: the response cookies a server must produce.
describe('RFC 9018 Appendix A', () => {
  it('A.1: learning a new server cookie', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, '2464c4abcf10c957', '198.51.100.100', 1559731985)).toEqual([CookieResult.ClientOnly, '2464c4abcf10c957010000005cf79f111f8130c3eee29480']);
  });

  it('A.2: the same client, 40 minutes later, gets its valid cookie re-minted', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, '2464c4abcf10c957010000005cf79f111f8130c3eee29480', '198.51.100.100', 1559734385)).toEqual([
      CookieResult.Valid,
      '2464c4abcf10c957010000005cf7a871d4a564a1442aca77',
    ]);
  });

  it('A.3: another client gets its own cookie', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, 'fc93fc62807ddb86', '203.0.113.203', 1559734700)[1]).toBe('fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e');
  });

  it('A.4: IPv6 client', () => {
    const c = new ServerCookies({ current: secret(SECRET_B), previous: null });
    expect(check(c, '22681ab97d52c298', '2001:db8:220:1:59de:d0f4:8769:82b8', 1559741961)[1]).toBe('22681ab97d52c298010000005cf7c609a6bb79d16625507a');
  });
});

describe('ServerCookies', () => {
  const minted = '2464c4abcf10c957010000005cf79f111f8130c3eee29480';
  const t0 = 1559731985;

  it('echoes a fresh cookie unchanged', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, minted, '198.51.100.100', t0 + 600)).toEqual([CookieResult.Valid, minted]);
  });

  it('accepts up to an hour old and five minutes ahead, nothing beyond', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, minted, '198.51.100.100', t0 + 3600)[0]).toBe(CookieResult.Valid);
    expect(check(c, minted, '198.51.100.100', t0 + 3601)[0]).toBe(CookieResult.Invalid);
    expect(check(c, minted, '198.51.100.100', t0 - 300)[0]).toBe(CookieResult.Valid);
    expect(check(c, minted, '198.51.100.100', t0 - 301)[0]).toBe(CookieResult.Invalid);
  });

  it('an invalid cookie still gets a fresh one minted at now', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    const [r, reply] = check(c, minted, '198.51.100.101', t0);
    expect(r).toBe(CookieResult.Invalid);
    const again = check(c, '2464c4abcf10c957', '198.51.100.101', t0)[1];
    expect(reply).toBe(again);
  });

  it('rollover: a cookie from the previous secret is valid and re-minted with the current one', () => {
    const c = new ServerCookies({ current: secret(SECRET_B), previous: secret(SECRET_A) });
    const [r, reply] = check(c, minted, '198.51.100.100', t0 + 10);
    expect(r).toBe(CookieResult.Valid);
    expect(reply).not.toBe(minted);
    const fresh = new ServerCookies({ current: secret(SECRET_B), previous: null });
    expect(check(fresh, reply, '198.51.100.100', t0 + 20)).toEqual([CookieResult.Valid, reply]);
    expect(check(fresh, minted, '198.51.100.100', t0 + 20)[0]).toBe(CookieResult.Invalid);
  });

  it('a server cookie of another length or version is invalid, not malformed', () => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, '2464c4abcf10c957' + '02' + minted.slice(18), '198.51.100.100', t0)[0]).toBe(CookieResult.Invalid);
    expect(check(c, '2464c4abcf10c957' + '00'.repeat(8), '198.51.100.100', t0)[0]).toBe(CookieResult.Invalid);
    expect(check(c, '2464c4abcf10c957' + '00'.repeat(32), '198.51.100.100', t0)[0]).toBe(CookieResult.Invalid);
  });

  it.each([0, 1, 7, 9, 15, 41])('a %i-byte option is malformed', (n) => {
    const c = new ServerCookies({ current: secret(SECRET_A), previous: null });
    expect(check(c, '11'.repeat(n), '198.51.100.100', t0)[0]).toBe(CookieResult.Malformed);
  });
});

describe('parseCookieSecret', () => {
  it('wants 32 hex digits and never echoes the value', () => {
    expect(() => parseCookieSecret('abcd')).toThrow(/32 hex digits/);
    try {
      parseCookieSecret('zz' + SECRET_A.slice(2));
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET_A.slice(2));
    }
  });
});
