import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './message.js';
import { TsigStreamVerifier, findTsig, signMessage, verifyMessage, TsigError } from './tsig.js';
import type { TsigKey } from './tsig-keys.js';
import { buildQuery } from './transfer-query.js';

const KEY: TsigKey = { name: 'xfr-key.', algorithm: 'hmac-sha256', secret: Buffer.from('0123456789abcdef0123456789abcdef') };
const KEY512: TsigKey = { name: 'k512.', algorithm: 'hmac-sha512', secret: Buffer.from('another secret of some length!!') };
const lookup = (k: TsigKey) => (n: string) => (n === k.name ? k : undefined);
const hasKdig = existsSync('/usr/bin/kdig');

function verify(msg: Uint8Array, key: TsigKey, o = {}) {
  const tsig = findTsig(parseMessage(msg));
  if (!tsig) throw new Error('unsigned');
  return verifyMessage(msg, tsig, lookup(key), o);
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TsigError) return err.failure;
    throw err;
  }
  return 'ok';
}

describe('TSIG single messages', () => {
  it.each([KEY, KEY512])('signs and verifies (%#)', (key) => {
    const { message, mac } = signMessage(buildQuery(7, 'example.test.', 6), key);
    expect(Buffer.from(verify(message, key).mac)).toEqual(Buffer.from(mac));
  });

  it('tells BADKEY, BADSIG and BADTIME apart', () => {
    const { message } = signMessage(buildQuery(7, 'example.test.', 6), KEY, { now: 1_000_000 });
    expect(failure(() => verify(message, KEY512))).toBe('BADKEY');
    expect(failure(() => verify(message, { ...KEY, secret: Buffer.from('wrong') }, { now: 1_000_000 }))).toBe('BADSIG');
    expect(failure(() => verify(message, KEY, { now: 1_000_000 + 301 }))).toBe('BADTIME');
    expect(failure(() => verify(message, KEY, { now: 1_000_000 - 300 }))).toBe('ok');
    const flipped = Buffer.from(message);
    flipped[3] ^= 0x20;
    expect(failure(() => verify(flipped, KEY, { now: 1_000_000 }))).toBe('BADSIG');
  });

  it('chains a response to the request MAC', () => {
    const req = signMessage(buildQuery(7, 'example.test.', 6), KEY);
    const resp = Buffer.from(buildQuery(7, 'example.test.', 6));
    resp[2] |= 0x80;
    const signed = signMessage(resp, KEY, { priorMac: req.mac });
    expect(failure(() => verify(signed.message, KEY, { priorMac: req.mac }))).toBe('ok');
    expect(failure(() => verify(signed.message, KEY))).toBe('BADSIG');
  });
});

describe('TSIG streams (RFC 8945 section 5.3.1)', () => {
  const msg = (i: number) => {
    const m = Buffer.from(buildQuery(9, `m${i}.example.test.`, 1));
    m[2] |= 0x80;
    return m;
  };
  /** Signs every `every`-th message (and the last), chaining MACs as a primary does. */
  function stream(n: number, every: number, requestMac: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let prior = requestMac;
    let unsigned: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const m = msg(i);
      if (i % every === 0 || i === n - 1) {
        const s = signMessage(m, KEY, { priorMac: prior, unsignedBefore: unsigned, timersOnly: i > 0 });
        out.push(s.message);
        prior = s.mac;
        unsigned = [];
      } else {
        out.push(m);
        unsigned.push(m);
      }
    }
    return out;
  }
  const requestMac = Buffer.alloc(32, 1);

  it('verifies every message, with unsigned runs between signed ones', () => {
    const v = new TsigStreamVerifier(KEY, requestMac);
    for (const m of stream(250, 100, requestMac)) v.add(m, parseMessage(m));
    v.finish();
  });

  it('refuses a run of 100 unsigned messages, an unsigned end and a tampered middle', () => {
    const long = stream(250, 101, requestMac);
    const v = new TsigStreamVerifier(KEY, requestMac);
    expect(failure(() => long.forEach((m) => v.add(m, parseMessage(m))))).toBe('UNSIGNED');
    const tail = stream(5, 1, requestMac);
    tail[4] = msg(4);
    const v2 = new TsigStreamVerifier(KEY, requestMac);
    tail.forEach((m) => v2.add(m, parseMessage(m)));
    expect(failure(() => v2.finish())).toBe('UNSIGNED');
    const tampered = stream(5, 3, requestMac);
    tampered[1] = msg(7);
    const v3 = new TsigStreamVerifier(KEY, requestMac);
    expect(failure(() => tampered.forEach((m) => v3.add(m, parseMessage(m))))).toBe('BADSIG');
  });
});

const kdigKey = (k: TsigKey) => `${k.algorithm}:${k.name}:${k.secret.toString('base64')}`;
function kdig(args: string[]): Promise<string> {
  return new Promise((resolve) => execFile('kdig', args, { timeout: 10_000 }, (_e, out, err) => resolve(out + err)));
}

describe.skipIf(!hasKdig && process.env.REQUIRE_E2E !== '1')('TSIG against kdig (Knot 3.2)', () => {
  it.each([KEY, KEY512])('verifies the query kdig signs and kdig accepts our signed answer (%#)', async (key) => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    let verified = '';
    sock.on('message', (q, rinfo) => {
      const parsed = parseMessage(q);
      const tsig = findTsig(parsed)!;
      const { mac } = verifyMessage(q, tsig, lookup(key));
      verified = 'yes';
      const resp = Buffer.from(q.subarray(0, tsig.start));
      resp[2] |= 0x84; // QR, AA
      resp.writeUInt16BE(0, 10); // the request's OPT and TSIG stay behind
      sock.send(signMessage(resp, key, { priorMac: mac }).message, rinfo.port, rinfo.address);
    });
    const out = await kdig([`@127.0.0.1`, '-p', String(sock.address().port), '-y', kdigKey(key), '+noedns', 'example.test.', 'SOA']);
    sock.close();
    expect(verified).toBe('yes');
    expect(out).toMatch(/status: NOERROR/);
    expect(out).not.toMatch(/WARNING|TSIG.*(fail|BAD)/i);
  });

  it('kdig verifies our multi-message AXFR stream with unsigned messages between signed ones', async () => {
    const server = net.createServer((sock) => {
      sock.once('data', (data) => {
        const q = data.subarray(2);
        const tsig = findTsig(parseMessage(q))!;
        const { mac } = verifyMessage(q, tsig, lookup(KEY));
        const qEnd = tsig.start;
        const soa = Buffer.from('c00c000600010000012c0016' + '00' + '00' + '00000001' + '00000e10' + '00000384' + '00127500' + '00000e10', 'hex');
        const a = (i: number) => Buffer.concat([Buffer.from([1, 0x61 + (i % 26)]), Buffer.from('c00c000100010000012c0004', 'hex'), Buffer.from([10, 0, 0, i & 255])]);
        const header = (id: number, n: number) => Buffer.from([id >> 8, id & 255, 0x84, 0, 0, 1, n >> 8, n & 255, 0, 0, 0, 0]);
        const question = q.subarray(12, qEnd - 0).subarray(0, q.subarray(12).indexOf(0) + 5);
        const id = q.readUInt16BE(0);
        let prior: Uint8Array = mac;
        let unsigned: Buffer[] = [];
        const parts: Buffer[] = [];
        const total = 7;
        for (let i = 0; i < total; i++) {
          const body = i === 0 ? [soa, a(i)] : i === total - 1 ? [a(i), soa] : [a(i)];
          const m = Buffer.concat([header(id, body.length), question, ...body]);
          let out: Buffer = m;
          if (i === 0 || i === 3 || i === total - 1) {
            const s = signMessage(m, KEY, { priorMac: prior, unsignedBefore: unsigned, timersOnly: i > 0 });
            out = s.message;
            prior = s.mac;
            unsigned = [];
          } else unsigned.push(m);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          parts.push(len, out);
        }
        sock.end(Buffer.concat(parts));
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as net.AddressInfo).port);
    const ok = await kdig(['@127.0.0.1', '-p', port, '-y', kdigKey(KEY), 'example.test.', 'AXFR']);
    server.close();
    expect(ok).toMatch(/Received .* records/);
    expect(ok).not.toMatch(/WARNING|failed/i);
    expect((ok.match(/\bA\s+10\.0\.0\./g) ?? []).length).toBe(7);
  });
});
