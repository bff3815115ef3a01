// The RRL bucket table: fixed size, on a SharedArrayBuffer with Atomics so that threads can share one table.

/**
 * Layout (Int32 words): a header, then SLOT_WORDS per slot.
 *   header: [seed, slotMask]
 *   slot:   [key, stamp, credit, limited]
 * key    = nonzero check hash of the bucket (0: empty slot);
 * stamp  = the table clock (ms since the table's epoch) at the last refill;
 * credit = responses still allowed, in thousandths of a response, capped at one second's worth;
 * limited = responses limited so far in this bucket, which drives the slip (every Nth is TC=1).
 * Memory is fixed at creation: a new bucket takes over the stalest slot among its PROBE neighbours,
 * so a flood from a million spoofed prefixes churns the table instead of growing it.
 */
const HEADER_WORDS = 4;
const SLOT_WORDS = 4;
const K = 0;
const STAMP = 1;
const CREDIT = 2;
const LIMITED = 3;
/** Neighbouring slots a bucket may live in: one cache line of 4 slots. */
const PROBE = 4;
/** Thousandths: one response costs COST credit. */
const COST = 1000;
/** The largest rate the credit arithmetic holds in an Int32 (one second's worth, in thousandths). */
export const MAX_RRL_RATE = 1_000_000;

export const enum Verdict {
  Pass,
  /** Over the rate; the caller slips or drops it. */
  Limited,
}

export class RrlTable {
  readonly words: Int32Array;
  readonly slots: number;
  /** Thousandths of a response earned per millisecond: the per-second rate, numerically. */
  private readonly refillPerMs: number;
  private readonly cap: number;
  private readonly seed: number;
  private readonly mask: number;
  private readonly epoch: number;
  /** The limited count of the bucket that check() last judged Limited. */
  lastLimitedCount = 0;

  /**
   * `buffer` lets another thread attach to an existing table (same slots); otherwise one is made.
   * `rate` is responses per second per bucket, and may be fractional (a worker's share of the node's rate).
   */
  constructor(slotsLog2: number, rate: number, buffer?: SharedArrayBuffer, private readonly clock: () => number = Date.now, epoch = 0) {
    if (!(rate > 0 && rate <= MAX_RRL_RATE)) throw new Error(`RRL rate must be in (0, ${MAX_RRL_RATE}], got ${rate}`);
    this.slots = 1 << slotsLog2;
    const sab = buffer ?? new SharedArrayBuffer((HEADER_WORDS + this.slots * SLOT_WORDS) * 4);
    this.words = new Int32Array(sab);
    if (!buffer) {
      this.words[0] = (Math.random() * 0x7fffffff) | 1;
      this.words[1] = this.slots - 1;
    }
    this.seed = this.words[0];
    this.mask = this.words[1];
    this.refillPerMs = rate;
    // At least one response of credit, so that a fractional worker share (rate/N < 1) still answers now and then.
    this.cap = Math.max(COST, Math.round(rate * COST));
    // Table time starts near 0 so that milliseconds fit an Int32 for 24 days; stamps compare by wrapping difference.
    this.epoch = epoch || this.clock();
  }

  get buffer(): SharedArrayBuffer {
    return this.words.buffer as SharedArrayBuffer;
  }

  /** Where this table's clock starts: another thread attaching to the table must count from the same point. */
  get epochMs(): number {
    return this.epoch;
  }

  get bytes(): number {
    return this.words.byteLength;
  }

  /** Charges one response to the bucket (a, b, c): three 32-bit parts of its key (prefix words, class and name). */
  check(a: number, b: number, c: number): Verdict {
    const w = this.words;
    const h1 = mix(a ^ this.seed, b, c);
    const key = mix(c ^ 0x5bd1e995, a, b ^ this.seed) | 1;
    const now = (this.clock() - this.epoch) | 0;
    const base = h1 & this.mask & ~(PROBE - 1);
    let victim = -1;
    let victimAge = -1;
    for (let p = 0; p < PROBE; p++) {
      const s = HEADER_WORDS + (base + p) * SLOT_WORDS;
      const k = Atomics.load(w, s + K);
      if (k === key) return this.charge(s, now);
      const age = k === 0 ? 0x7fffffff : (now - Atomics.load(w, s + STAMP)) | 0;
      if (age > victimAge) {
        victim = s;
        victimAge = age;
      }
    }
    // New bucket: full credit, less this response. A racing thread may claim the same slot; the loser just shares it.
    Atomics.store(w, victim + STAMP, now);
    Atomics.store(w, victim + CREDIT, this.cap - COST);
    Atomics.store(w, victim + LIMITED, 0);
    Atomics.store(w, victim + K, key);
    return Verdict.Pass;
  }

  private charge(s: number, now: number): Verdict {
    const w = this.words;
    const stamp = Atomics.load(w, s + STAMP);
    const elapsed = (now - stamp) | 0;
    if (elapsed > 0) {
      const earned = Math.floor(elapsed * this.refillPerMs);
      // Only the thread that moves the stamp adds the credit; the stamp stays put until a whole thousandth is earned.
      if (earned > 0 && Atomics.compareExchange(w, s + STAMP, stamp, now) === stamp) {
        const credit = Atomics.load(w, s + CREDIT);
        Atomics.store(w, s + CREDIT, Math.min(this.cap, credit + Math.min(earned, this.cap)));
      }
    }
    if (Atomics.load(w, s + CREDIT) >= COST) {
      Atomics.sub(w, s + CREDIT, COST);
      return Verdict.Pass;
    }
    return this.limit(s);
  }

  private limit(s: number): Verdict {
    this.lastLimitedCount = Atomics.add(this.words, s + LIMITED, 1) + 1;
    return Verdict.Limited;
  }

  /** Slots holding a bucket touched within the last `windowMs`: the table's fill level. */
  activeSlots(windowMs: number): number {
    const w = this.words;
    const now = (this.clock() - this.epoch) | 0;
    let n = 0;
    for (let i = 0; i < this.slots; i++) {
      const s = HEADER_WORDS + i * SLOT_WORDS;
      if (w[s + K] !== 0 && ((now - w[s + STAMP]) | 0) < windowMs) n++;
    }
    return n;
  }
}

/** Murmur3-style finaliser over three words: cheap, and with the random seed an attacker cannot aim at one slot. */
function mix(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0xcc9e2d51), 0x1b873593);
  h ^= Math.imul(c, 0x85ebca6b) + 0x9e3779b9;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
