// DNS cookies (RFC 7873) with interoperable server cookies (RFC 9018 version 1): check the client's, mint ours.

import { SipKey, sipHash24 } from './siphash.js';

/** What a query's COOKIE option proved; the names are the `result` label of anycastd_cookies_total. */
export const enum CookieResult {
  /** No COOKIE option in the query. */
  Missing,
  /** Only a client cookie: a first contact (RFC 7873 section 5.2.3). */
  ClientOnly,
  /** A server cookie that is not ours, from another secret, too old, or from the future (section 5.2.4). */
  Invalid,
  Valid,
  /** Wrong length: FORMERR (section 5.2.2). */
  Malformed,
}

export const COOKIE_RESULT_NAMES = ['missing', 'client_only', 'invalid', 'valid', 'malformed'] as const;

export const CLIENT_COOKIE_LEN = 8;
/** Version 1 server cookie: version, 3 reserved octets, 32-bit timestamp, 64-bit hash. */
export const SERVER_COOKIE_LEN = 16;
/** Client cookie plus our server cookie: what every response carries. */
export const RESPONSE_COOKIE_LEN = CLIENT_COOKIE_LEN + SERVER_COOKIE_LEN;

/** RFC 9018 section 4.3: accept up to an hour old and five minutes ahead; re-mint past half an hour. */
const MAX_AGE_S = 3600;
const MAX_AHEAD_S = 300;
const REMINT_AGE_S = 1800;

export interface CookieSecrets {
  /** 16 bytes, shared by the fleet: every node must accept the cookies any node minted. */
  current: Uint8Array;
  /** The secret being rolled out of service: still accepted, never used to mint. */
  previous: Uint8Array | null;
}

export class ServerCookies {
  /** The COOKIE option data to send back after `check` (RESPONSE_COOKIE_LEN bytes) unless the result was Malformed. */
  readonly reply = new Uint8Array(RESPONSE_COOKIE_LEN);
  private readonly current: SipKey;
  private readonly previous: SipKey | null;
  /** client cookie | version | reserved | timestamp | client IP: the hash input of RFC 9018 section 4.4. */
  private readonly input = new Uint8Array(CLIENT_COOKIE_LEN + 8 + 16);
  private readonly hash = new Uint8Array(8);

  constructor(secrets: CookieSecrets) {
    this.current = new SipKey(secrets.current);
    this.previous = secrets.previous ? new SipKey(secrets.previous) : null;
  }

  /**
   * Judges the COOKIE option data pkt[off, off+len) from client address ip[0, ipLen) at `now` (Unix seconds),
   * and prepares `reply`: the client cookie and either the server cookie it sent (still fresh, current secret)
   * or a new one.
   */
  check(pkt: Uint8Array, off: number, len: number, ip: Uint8Array, ipLen: number, now: number): CookieResult {
    // Section 5.2.2: a client cookie alone is 8 octets; with a server cookie (8 to 32 octets) 16 to 40.
    if (len !== CLIENT_COOKIE_LEN && (len < 16 || len > 40)) return CookieResult.Malformed;
    const reply = this.reply;
    for (let i = 0; i < CLIENT_COOKIE_LEN; i++) reply[i] = pkt[off + i];
    let result = CookieResult.ClientOnly;
    if (len > CLIENT_COOKIE_LEN) {
      result = CookieResult.Invalid;
      const s = off + CLIENT_COOKIE_LEN;
      if (len === CLIENT_COOKIE_LEN + SERVER_COOKIE_LEN && pkt[s] === 1) {
        const stamp = ((pkt[s + 4] << 24) | (pkt[s + 5] << 16) | (pkt[s + 6] << 8) | pkt[s + 7]) >>> 0;
        // Serial number arithmetic (RFC 1982), as RFC 9018 section 4.3 asks: the 32-bit clock wraps in 2106.
        const age = (now - stamp) | 0;
        if (age <= MAX_AGE_S && age >= -MAX_AHEAD_S) {
          const keyUsed = this.verify(pkt, off, ip, ipLen, this.current) ? this.current : this.previous && this.verify(pkt, off, ip, ipLen, this.previous) ? this.previous : null;
          if (keyUsed !== null) {
            result = CookieResult.Valid;
            if (keyUsed === this.current && age <= REMINT_AGE_S) {
              for (let i = 0; i < SERVER_COOKIE_LEN; i++) reply[CLIENT_COOKIE_LEN + i] = pkt[s + i];
              return result;
            }
          }
        }
      }
    }
    this.mint(reply, 0, ip, ipLen, now, this.current, reply, CLIENT_COOKIE_LEN);
    return result;
  }

  /** Writes a fresh version 1 server cookie for the client cookie at src[off..] into out[outOff, outOff+16). */
  private mint(src: Uint8Array, off: number, ip: Uint8Array, ipLen: number, now: number, key: SipKey, out: Uint8Array, outOff: number): void {
    const n = this.fillInput(src, off, 1, now >>> 0, ip, ipLen);
    sipHash24(key, this.input, 0, n, this.hash, 0);
    const inp = this.input;
    for (let i = 0; i < 8; i++) out[outOff + i] = inp[CLIENT_COOKIE_LEN + i];
    for (let i = 0; i < 8; i++) out[outOff + 8 + i] = this.hash[i];
  }

  /** Recomputes the hash over the received cookie's own version, reserved octets and timestamp. */
  private verify(pkt: Uint8Array, off: number, ip: Uint8Array, ipLen: number, key: SipKey): boolean {
    const inp = this.input;
    for (let i = 0; i < 16; i++) inp[i] = pkt[off + i];
    for (let i = 0; i < ipLen; i++) inp[16 + i] = ip[i];
    sipHash24(key, inp, 0, 16 + ipLen, this.hash, 0);
    // Not constant-time: forging needs a spoofed source, and a spoofer never sees the replies it would have to time.
    for (let i = 0; i < 8; i++) if (this.hash[i] !== pkt[off + 16 + i]) return false;
    return true;
  }

  private fillInput(src: Uint8Array, off: number, version: number, stamp: number, ip: Uint8Array, ipLen: number): number {
    const inp = this.input;
    for (let i = 0; i < CLIENT_COOKIE_LEN; i++) inp[i] = src[off + i];
    inp[8] = version;
    inp[9] = 0;
    inp[10] = 0;
    inp[11] = 0;
    inp[12] = stamp >>> 24;
    inp[13] = (stamp >>> 16) & 0xff;
    inp[14] = (stamp >>> 8) & 0xff;
    inp[15] = stamp & 0xff;
    for (let i = 0; i < ipLen; i++) inp[16 + i] = ip[i];
    return 16 + ipLen;
  }
}

/** Parses a --cookie-secret value: 32 hex digits (128 bits). The error never repeats the value. */
export function parseCookieSecret(text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{32}$/.test(text)) throw new Error('a cookie secret must be 32 hex digits (128 bits)');
  return Uint8Array.from(Buffer.from(text, 'hex'));
}
