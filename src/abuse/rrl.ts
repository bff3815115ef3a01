// Response rate limiting at the UDP edge: bucket by (client prefix, response class, name), then pass, slip or drop.

import { RrlTable, Verdict } from './rrl-table.js';
import { type ClientAddress, parseIp } from './client-address.js';
import type { ResponseClass } from '../query/outcome.js';

export const enum RrlAction {
  Answer,
  /** Send a TC=1 reply carrying only the question, so that a real client retries over TCP. */
  Slip,
  Drop,
}

/** Labels of anycastd_rrl_responses_total{action}, indexed like RrlStats.counts. */
export const RRL_ACTION_NAMES = ['slipped', 'dropped', 'dry_run'] as const;

export interface RrlSettings {
  /** Responses per second per bucket for the whole node; 0 turns RRL off. */
  rate: number;
  /** Every slip-th limited response is a TC=1 reply; 0 drops them all. */
  slip: number;
  ipv4Prefix: number;
  ipv6Prefix: number;
  /** Client prefixes never limited (CIDR text). */
  exempt: string[];
  dryRun: boolean;
  /** Processes sharing the node's rate: each takes rate/workers (see README, "Rate limiting"). */
  workers: number;
}

/** An RRL table as threads share it: its memory and the start of its clock. */
export interface SharedRrlTable {
  buffer: SharedArrayBuffer;
  epoch: number;
}

export const DEFAULT_RRL: RrlSettings = { rate: 0, slip: 2, ipv4Prefix: 24, ipv6Prefix: 56, exempt: [], dryRun: false, workers: 1 };

/** 2^17 slots of 16 bytes: 2 MiB, whatever the number of clients. */
const TABLE_SLOTS_LOG2 = 17;

interface ExemptPrefix {
  bytes: Uint8Array;
  length: number;
  bits: number;
}

export class ResponseRateLimiter {
  readonly table: RrlTable;
  /** slipped, dropped, dry_run. */
  readonly counts = new Float64Array(3);
  private readonly v4Mask: number;
  private readonly v6Words: number;
  private readonly v6LastMask: number;
  private readonly exempt: ExemptPrefix[];
  /** Each process's share of the rate, or the whole rate when threads share one table. */
  private readonly ratePerWorker: number;

  /** `sharedWith`: the table of another thread (thread mode: every data thread charges one table, at the full rate). */
  constructor(readonly settings: RrlSettings, clock?: () => number, private readonly sharedWith?: SharedRrlTable) {
    this.ratePerWorker = sharedWith ? settings.rate : settings.rate / Math.max(1, settings.workers);
    this.table = new RrlTable(TABLE_SLOTS_LOG2, this.ratePerWorker, sharedWith?.buffer, clock, sharedWith?.epoch);
    this.v4Mask = settings.ipv4Prefix === 0 ? 0 : (0xffffffff << (32 - settings.ipv4Prefix)) | 0;
    // An IPv6 prefix up to /64 is folded from its first two words; longer ones are cut at /64 (one host's range).
    const bits = Math.min(64, settings.ipv6Prefix);
    this.v6Words = Math.ceil(bits / 32);
    this.v6LastMask = bits % 32 === 0 ? -1 : (0xffffffff << (32 - (bits % 32))) | 0;
    this.exempt = settings.exempt.map(parseExempt);
  }

  /**
   * Decides what to do with a UDP response of class `cls` (positive, NXDOMAIN, NODATA, referral, wildcard,
   * error: NSD's and Knot's classes) whose bucket name hashes to `nameHash`.
   * The caller has already exempted TCP and clients with a valid server cookie.
   */
  /** What another thread needs to charge the same table. */
  share(): SharedRrlTable {
    return { buffer: this.table.buffer, epoch: this.table.epochMs };
  }

  judge(client: ClientAddress, cls: ResponseClass, nameHash: number): RrlAction {
    const n = client.resolve();
    if (n === 0) return RrlAction.Answer;
    const ip = client.bytes;
    let a: number;
    let b: number;
    if (n === 4) {
      a = word(ip, 0) & this.v4Mask;
      b = 4;
    } else {
      a = this.v6Words === 0 ? 0 : this.v6Words === 1 ? word(ip, 0) & this.v6LastMask : word(ip, 0);
      b = this.v6Words === 2 ? word(ip, 4) & this.v6LastMask : 0;
      b ^= 6 << 29;
    }
    // Exempt clients do not spend the credit of their prefix's other hosts.
    if (this.exempt.length > 0 && this.isExempt(ip, n)) return RrlAction.Answer;
    if (this.table.check(a, b, nameHash ^ Math.imul(cls + 1, 0x9e3779b1)) === Verdict.Pass) return RrlAction.Answer;
    if (this.settings.dryRun) {
      this.counts[2]++;
      return RrlAction.Answer;
    }
    const slip = this.settings.slip;
    if (slip > 0 && this.table.lastLimitedCount % slip === 0) {
      this.counts[0]++;
      return RrlAction.Slip;
    }
    this.counts[1]++;
    return RrlAction.Drop;
  }

  private isExempt(ip: Uint8Array, n: number): boolean {
    for (const p of this.exempt) if (p.length === n && prefixMatch(p.bytes, ip, p.bits)) return true;
    return false;
  }

  /** For /status: the limits in force, never anything secret. */
  describe(): object {
    const s = this.settings;
    return { rate: s.rate, slip: s.slip, ipv4Prefix: s.ipv4Prefix, ipv6Prefix: s.ipv6Prefix, exempt: s.exempt, dryRun: s.dryRun, ratePerWorker: this.ratePerWorker, sharedTable: this.sharedWith !== undefined, tableSlots: this.table.slots };
  }
}

function word(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

function prefixMatch(p: Uint8Array, ip: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (p[i] !== ip[i]) return false;
  return bits === 0 || ((p[i] ^ ip[i]) & (0xff << (8 - bits)) & 0xff) === 0;
}

/** "192.0.2.0/24", "2001:db8::/32", or a bare address (a single host). */
export function parseExempt(text: string): ExemptPrefix {
  const [addr, len] = text.split('/');
  const bytes = new Uint8Array(16);
  const length = parseIp(addr, bytes);
  const max = length * 8;
  const bits = len === undefined ? max : Number(len);
  if (length === 0 || !Number.isInteger(bits) || bits < 0 || bits > max || (len !== undefined && !/^\d+$/.test(len))) {
    throw new Error(`expects an address or PREFIX/LEN, got "${text}"`);
  }
  return { bytes, length, bits };
}
