// Tests for DNS cookies in the query handler: option echo, FORMERR on bad lengths, validity, counters.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { QueryHandler } from './handler.js';
import { ZoneSet } from './zoneset.js';
import { Transport } from './stats.js';
import { compileZoneText } from '../zone/loading/load.js';
import { CookieResult } from '../abuse/server-cookie.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 7 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
`;
const SECRET = Buffer.from('e5e973e5a6b2a43f48e7dc849e37bfcf', 'hex');

function handler(cookies = true): QueryHandler {
  const h = new QueryHandler({ nsid: null, identity: null, version: null, cookies: cookies ? { current: SECRET, previous: null } : null });
  h.zones = new ZoneSet([compileZoneText(ZONE, 'example.test.').zone!]);
  return h;
}

function ask(h: QueryHandler, cookie: Buffer | null, from = '198.51.100.100', transport = Transport.Udp) {
  const options = cookie ? [{ code: 10, data: cookie }] : [];
  const pkt = dnsPacket.encode({
    type: 'query', id: 7, flags: 0,
    questions: [{ name: 'ns1.example.test', type: 'A', class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options } as dnsPacket.Answer],
  });
  h.handle(pkt, pkt.length, transport, { address: from, port: 53000 });
  const msg = dnsPacket.decode(h.response()) as any;
  const opt = msg.additionals.find((a: any) => a.type === 'OPT');
  const echoed = opt?.options.find((o: any) => o.code === 10)?.data as Buffer | undefined;
  return { rcode: msg.rcode as string, answers: msg.answers.length as number, cookie: echoed ?? null };
}

const CLIENT = Buffer.from('2464c4abcf10c957', 'hex');

describe('QueryHandler with cookies', () => {
  it('answers a client cookie with client | server cookie, and the server cookie proves the client next time', () => {
    const h = handler();
    const first = ask(h, CLIENT);
    expect(first.rcode).toBe('NOERROR');
    expect(first.answers).toBe(1);
    expect(first.cookie!.length).toBe(24);
    expect(first.cookie!.subarray(0, 8)).toEqual(CLIENT);
    expect(first.cookie![8]).toBe(1); // version 1
    expect(h.cookieValid).toBe(false);
    const second = ask(h, first.cookie);
    expect(h.cookieValid).toBe(true);
    expect(second.cookie).toEqual(first.cookie);
    expect(h.cookieCounts[CookieResult.ClientOnly]).toBe(1);
    expect(h.cookieCounts[CookieResult.Valid]).toBe(1);
  });

  it('a cookie minted for another address is invalid but still answered, with a fresh cookie', () => {
    const h = handler();
    const minted = ask(h, CLIENT, '198.51.100.100').cookie!;
    const other = ask(h, minted, '198.51.100.200');
    expect(h.cookieValid).toBe(false);
    expect(other.rcode).toBe('NOERROR');
    expect(other.answers).toBe(1);
    expect(other.cookie).not.toEqual(minted);
    expect(h.cookieCounts[CookieResult.Invalid]).toBe(1);
  });

  it.each([1, 7, 9, 15, 41])('a %i-byte COOKIE option gets FORMERR', (n) => {
    const h = handler();
    const r = ask(h, Buffer.alloc(n, 0x11));
    expect(r.rcode).toBe('FORMERR');
    expect(r.cookie).toBeNull();
    expect(h.cookieCounts[CookieResult.Malformed]).toBe(1);
  });

  it('counts queries without a cookie and sends none back', () => {
    const h = handler();
    expect(ask(h, null).cookie).toBeNull();
    expect(h.cookieCounts[CookieResult.Missing]).toBe(1);
  });

  it('without a secret, COOKIE options are ignored', () => {
    const h = handler(false);
    const r = ask(h, Buffer.alloc(3));
    expect(r.rcode).toBe('NOERROR');
    expect(r.cookie).toBeNull();
  });

  it('cookies work over TCP too', () => {
    const h = handler();
    expect(ask(h, CLIENT, '::1', Transport.Tcp).cookie!.length).toBe(24);
  });
});
