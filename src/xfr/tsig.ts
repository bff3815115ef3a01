// TSIG (RFC 8945): sign and verify single messages and multi-message streams (section 5.3.1) with node:crypto HMACs.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { nameFromText, nameToText } from '../zone/text/name-text.js';
import { type WireMessage, lowerName, sameName } from './message.js';
import { type TsigKey, type TsigAlgorithm, TSIG_DIGESTS, algorithmWireName } from './tsig-keys.js';

export const T_TSIG = 250;
const CLASS_ANY = 255;
export const TSIG_BADSIG = 16;
export const TSIG_BADKEY = 17;
export const TSIG_BADTIME = 18;
export const DEFAULT_FUDGE = 300;
/** Section 5.3.1: a TSIG at least every 100 messages of a stream. */
export const MAX_UNSIGNED_RUN = 99;

export type TsigFailure = 'BADKEY' | 'BADSIG' | 'BADTIME' | 'FORMERR' | 'UNSIGNED';

export class TsigError extends Error {
  constructor(readonly failure: TsigFailure, message: string, readonly record: TsigRecord | null = null) {
    super(message);
  }
}

export interface TsigRecord {
  keyName: Uint8Array;
  algorithm: Uint8Array;
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  other: Uint8Array;
  /** Offset of the TSIG RR in the message: everything before it is what was signed. */
  start: number;
}

const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const u48 = (n: number) => {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
};
const wire = (name: string) => lowerName(nameFromText(name, null));

/** The TSIG RR of a parsed message, or null when unsigned. A TSIG anywhere but last is malformed. */
export function findTsig(parsed: WireMessage): TsigRecord | null {
  const all = [...parsed.answers, ...parsed.authority, ...parsed.additional];
  const idx = all.findIndex((rr) => rr.type === T_TSIG);
  if (idx < 0) return null;
  const rr = all[idx];
  if (idx !== all.length - 1 || parsed.additional[parsed.additional.length - 1] !== rr) throw new TsigError('FORMERR', 'TSIG record is not the last record of the message');
  if (rr.class !== CLASS_ANY || rr.ttl !== 0) throw new TsigError('FORMERR', 'TSIG record with a class other than ANY or a TTL');
  const d = rr.rdata;
  let p = 0;
  while (p < d.length && d[p] !== 0) p += d[p] + 1;
  p++;
  const algorithm = d.subarray(0, p);
  if (p + 10 > d.length) throw new TsigError('FORMERR', 'truncated TSIG rdata');
  const timeSigned = ((d[p] << 8) | d[p + 1]) * 2 ** 32 + (((d[p + 2] << 24) | (d[p + 3] << 16) | (d[p + 4] << 8) | d[p + 5]) >>> 0);
  const fudge = (d[p + 6] << 8) | d[p + 7];
  const macLen = (d[p + 8] << 8) | d[p + 9];
  p += 10;
  if (p + macLen + 6 > d.length) throw new TsigError('FORMERR', 'truncated TSIG MAC');
  const mac = d.subarray(p, p + macLen);
  p += macLen;
  const originalId = (d[p] << 8) | d[p + 1];
  const error = (d[p + 2] << 8) | d[p + 3];
  const otherLen = (d[p + 4] << 8) | d[p + 5];
  p += 6;
  if (p + otherLen !== d.length) throw new TsigError('FORMERR', 'TSIG other data does not match its length');
  return { keyName: rr.name, algorithm, timeSigned, fudge, mac, originalId, error, other: d.subarray(p), start: rr.start };
}

/** The message as it was before signing: without the TSIG RR, ARCOUNT one less, the original ID. */
function unsignedCopy(msg: Uint8Array, tsig: TsigRecord): Uint8Array {
  const out = Buffer.from(msg.subarray(0, tsig.start));
  out.writeUInt16BE(tsig.originalId, 0);
  out.writeUInt16BE(out.readUInt16BE(10) - 1, 10);
  return out;
}

interface MacInput {
  key: TsigKey;
  /** The request MAC (first response) or the previous signed message's MAC (later messages of a stream). */
  priorMac: Uint8Array | null;
  /** The messages since the last signed one, then this one (unsigned form). */
  messages: Uint8Array[];
  timersOnly: boolean;
  timeSigned: number;
  fudge: number;
  error: number;
  other: Uint8Array;
}

function computeMac(m: MacInput): Buffer {
  const h = createHmac(TSIG_DIGESTS[m.key.algorithm], m.key.secret);
  if (m.priorMac) h.update(u16(m.priorMac.length)).update(m.priorMac);
  for (const msg of m.messages) h.update(msg);
  if (!m.timersOnly) h.update(wire(m.key.name)).update(u16(CLASS_ANY)).update(new Uint8Array(4)).update(wire(algorithmWireName(m.key.algorithm)));
  h.update(u48(m.timeSigned)).update(u16(m.fudge));
  if (!m.timersOnly) h.update(u16(m.error)).update(u16(m.other.length)).update(m.other);
  return h.digest();
}

export interface SignOptions {
  priorMac?: Uint8Array | null;
  /** Unsigned messages of a stream sent since the last signed one (section 5.3.1). */
  unsignedBefore?: Uint8Array[];
  timersOnly?: boolean;
  now?: number;
  fudge?: number;
  error?: number;
  other?: Uint8Array;
  /** BADSIG/BADKEY answers carry an empty MAC (section 5.3.2). */
  emptyMac?: boolean;
}

/** Appends a TSIG RR to msg; returns the signed message and its MAC (the prior MAC of what follows). */
export function signMessage(msg: Uint8Array, key: TsigKey, o: SignOptions = {}): { message: Buffer; mac: Uint8Array } {
  const timeSigned = Math.floor(o.now ?? Date.now() / 1000);
  const fudge = o.fudge ?? DEFAULT_FUDGE;
  const error = o.error ?? 0;
  const other = o.other ?? new Uint8Array(0);
  const mac = o.emptyMac
    ? Buffer.alloc(0)
    : computeMac({ key, priorMac: o.priorMac ?? null, messages: [...(o.unsignedBefore ?? []), msg], timersOnly: o.timersOnly ?? false, timeSigned, fudge, error, other });
  const alg = wire(algorithmWireName(key.algorithm));
  const rdata = Buffer.concat([alg, u48(timeSigned), u16(fudge), u16(mac.length), mac, msg.subarray(0, 2), u16(error), u16(other.length), other]);
  const rr = Buffer.concat([wire(key.name), u16(T_TSIG), u16(CLASS_ANY), new Uint8Array(4), u16(rdata.length), rdata]);
  const message = Buffer.concat([msg, rr]);
  message.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message, mac };
}

/** Section 5.2.2: a MAC may be truncated, but not below 10 octets or half the digest. */
function macMatches(expected: Buffer, got: Uint8Array): boolean {
  if (got.length > expected.length || got.length < Math.max(10, expected.length / 2)) return false;
  return timingSafeEqual(expected.subarray(0, got.length), got);
}

export interface VerifyOptions {
  priorMac?: Uint8Array | null;
  unsignedBefore?: Uint8Array[];
  timersOnly?: boolean;
  now?: number;
}

/**
 * Checks a signed message in the order of section 5.2: key and algorithm (BADKEY), MAC (BADSIG), time (BADTIME).
 * Returns the MAC that was verified; throws TsigError otherwise.
 */
export function verifyMessage(msg: Uint8Array, tsig: TsigRecord, lookup: (name: string) => TsigKey | undefined, o: VerifyOptions = {}): { key: TsigKey; mac: Uint8Array } {
  const keyName = nameToText(lowerName(tsig.keyName));
  const key = lookup(keyName);
  const algText = nameToText(lowerName(tsig.algorithm));
  if (!key) throw new TsigError('BADKEY', `unknown TSIG key ${keyName}`, tsig);
  if (!sameName(wire(algorithmWireName(key.algorithm)), tsig.algorithm)) throw new TsigError('BADKEY', `TSIG key ${keyName} is ${key.algorithm}, message signed with ${algText}`, tsig);
  if (tsig.error !== 0 && tsig.mac.length === 0) throw new TsigError(tsigErrorName(tsig.error), `peer answered TSIG error ${tsigErrorName(tsig.error)} for key ${keyName}`, tsig);
  const expected = computeMac({
    key, priorMac: o.priorMac ?? null, messages: [...(o.unsignedBefore ?? []), unsignedCopy(msg, tsig)], timersOnly: o.timersOnly ?? false,
    timeSigned: tsig.timeSigned, fudge: tsig.fudge, error: tsig.error, other: tsig.other,
  });
  if (!macMatches(expected, tsig.mac)) throw new TsigError('BADSIG', `TSIG signature does not verify with key ${keyName}`, tsig);
  const now = Math.floor(o.now ?? Date.now() / 1000);
  if (Math.abs(now - tsig.timeSigned) > tsig.fudge) throw new TsigError('BADTIME', `TSIG time ${tsig.timeSigned} is ${now - tsig.timeSigned} s off our clock (fudge ${tsig.fudge})`, tsig);
  if (tsig.error !== 0) throw new TsigError(tsigErrorName(tsig.error), `peer answered TSIG error ${tsigErrorName(tsig.error)}`, tsig);
  return { key, mac: tsig.mac };
}

export function tsigErrorName(code: number): TsigFailure {
  return code === TSIG_BADKEY ? 'BADKEY' : code === TSIG_BADTIME ? 'BADTIME' : 'BADSIG';
}

/** Verifies the responses of one transfer in order (section 5.3.1). */
export class TsigStreamVerifier {
  private prior: Uint8Array;
  private unsigned: Uint8Array[] = [];
  private count = 0;

  constructor(private readonly key: TsigKey, requestMac: Uint8Array, private readonly now?: number) {
    this.prior = requestMac;
  }

  add(msg: Uint8Array, parsed: WireMessage): void {
    const tsig = findTsig(parsed);
    const first = this.count++ === 0;
    if (tsig === null) {
      if (first) throw new TsigError('UNSIGNED', 'the first message of the transfer is not TSIG-signed');
      if (this.unsigned.length >= MAX_UNSIGNED_RUN) throw new TsigError('UNSIGNED', `more than ${MAX_UNSIGNED_RUN} messages in a row without TSIG`);
      this.unsigned.push(msg);
      return;
    }
    const { mac } = verifyMessage(msg, tsig, (n) => (n === this.key.name ? this.key : undefined), {
      priorMac: this.prior, unsignedBefore: this.unsigned, timersOnly: !first, now: this.now,
    });
    this.prior = Uint8Array.from(mac);
    this.unsigned = [];
  }

  /** The last message of a stream must be signed. */
  finish(): void {
    if (this.unsigned.length) throw new TsigError('UNSIGNED', `the last ${this.unsigned.length} message(s) of the transfer are not TSIG-signed`);
  }
}

export type { TsigAlgorithm };
