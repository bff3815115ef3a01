// Reads the messages of one AXFR or IXFR response (RFC 5936, RFC 1995) and decides what they mean:
// a full zone, a chain of diffs, or "already up to date". Anything inconsistent rejects the whole transfer.

import { nameToText } from '../zone/text/name-text.js';
import { type WireMessage, type WireRR, lowerName, parseMessage, sameName, soaTimers } from './message.js';
import { TsigStreamVerifier, T_TSIG, findTsig, tsigErrorName } from './tsig.js';
import { serialGreater } from '../zone/records/serial.js';

export const T_SOA = 6;
export const T_AXFR = 252;
export const T_IXFR = 251;
/** An RR bigger than this is refused: no real zone has one, and it would not fit many answers. */
export const MAX_RDATA = 16_384;
export const MAX_RECORDS = 20_000_000;

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export class TransferError extends Error {
  /** The primary does not do IXFR for us: try AXFR. */
  constructor(message: string, readonly ixfrUnsupported = false) {
    super(message);
  }
}

export interface Diff {
  from: number;
  to: number;
  deleted: WireRR[];
  added: WireRR[];
}

export type TransferResult =
  | { kind: 'up-to-date'; serial: number }
  | { kind: 'full'; serial: number; records: WireRR[]; messages: number }
  | { kind: 'incremental'; serial: number; diffs: Diff[]; messages: number };

type Phase = 'first' | 'second' | 'full' | 'del' | 'add' | 'done';

export class TransferStream {
  private phase: Phase = 'first';
  private newSerial = 0;
  private first: WireRR | null = null;
  private records: WireRR[] = [];
  private diffs: Diff[] = [];
  private messages = 0;
  private count = 0;
  private upToDate = false;
  private readonly zoneWire: Uint8Array;

  constructor(
    private readonly zone: Uint8Array,
    private readonly qtype: number,
    private readonly id: number,
    private readonly currentSerial: number | null,
    private readonly tsig: TsigStreamVerifier | null,
  ) {
    this.zoneWire = lowerName(zone);
  }

  /** Feeds one message; throws TransferError (or a TsigError/MessageError) on anything wrong. */
  add(msg: Uint8Array): void {
    if (this.complete) throw new TransferError('more messages after the end of the transfer');
    let parsed: WireMessage;
    try {
      parsed = parseMessage(msg);
    } catch (err) {
      throw new TransferError(`malformed message ${this.messages + 1}: ${(err as Error).message}`);
    }
    this.messages++;
    if (parsed.id !== this.id) throw new TransferError(`message ${this.messages} has ID ${parsed.id}, expected ${this.id}`);
    if (!(parsed.flags & 0x8000)) throw new TransferError(`message ${this.messages} is not a response`);
    if (parsed.rcode !== 0) {
      const name = RCODES[parsed.rcode] ?? `RCODE ${parsed.rcode}`;
      const tsigError = tsigErrorOf(parsed);
      throw new TransferError(`primary answered ${name}${tsigError ? ` (TSIG error ${tsigError}: check the key name and secret)` : ''}`, this.qtype === T_IXFR && (parsed.rcode === 4 || parsed.rcode === 1));
    }
    if (this.tsig) this.tsig.add(msg, parsed);
    else if (parsed.additional.some((rr) => rr.type === T_TSIG)) throw new TransferError('response is TSIG-signed but no key is configured for this zone');
    if (parsed.question && (!sameName(parsed.question.name, this.zone) || parsed.question.type !== this.qtype)) {
      throw new TransferError(`response is for ${nameToText(parsed.question.name)} type ${parsed.question.type}, not ${nameToText(this.zone)}`);
    }
    if (parsed.flags & 0x0200) throw new TransferError('response has TC set (a transfer over TCP is never truncated)');
    if (this.messages === 1 && parsed.answers.length === 0) throw new TransferError('first message has no records');
    for (const rr of parsed.answers) this.record(rr);
    // A first message holding only an SOA no newer than ours is the whole answer (RFC 1995 section 2):
    // the primary may keep the connection open, so do not wait for it to close.
    if (this.messages === 1 && this.phase === 'second' && this.qtype === T_IXFR && this.currentSerial !== null && !serialGreater(this.newSerial, this.currentSerial)) {
      this.upToDate = true;
    }
  }

  /** The answer is complete: the closing SOA was seen, or a lone SOA said we are up to date. */
  get complete(): boolean {
    return this.phase === 'done' || this.upToDate;
  }

  /** The stream ended (connection closed or the closing SOA was seen). */
  finish(): TransferResult {
    if (this.tsig) this.tsig.finish();
    if (this.phase === 'second' && this.qtype === T_IXFR) {
      // A single SOA: the primary has nothing newer than what we hold (RFC 1995 section 4).
      if (this.currentSerial !== null && serialGreater(this.currentSerial, this.newSerial)) {
        throw new TransferError(`primary serial ${this.newSerial} is older than ours (${this.currentSerial}); keeping ours (RFC 1982)`);
      }
      if (this.currentSerial === null || this.newSerial === this.currentSerial) return { kind: 'up-to-date', serial: this.newSerial };
      throw new TransferError(`IXFR answered with a lone SOA of serial ${this.newSerial}, ours is ${this.currentSerial}`);
    }
    if (this.phase !== 'done') throw new TransferError(`transfer ended before the closing SOA (after ${this.messages} messages, ${this.count} records)`);
    if (this.diffs.length) return { kind: 'incremental', serial: this.newSerial, diffs: this.diffs, messages: this.messages };
    return { kind: 'full', serial: this.newSerial, records: this.records, messages: this.messages };
  }

  private record(rr: WireRR): void {
    if (this.phase === 'done') throw new TransferError('records after the closing SOA');
    if (++this.count > MAX_RECORDS) throw new TransferError(`more than ${MAX_RECORDS} records`);
    if (rr.class !== 1) throw new TransferError(`record of class ${rr.class} (only IN is transferred)`);
    if (rr.rdata.length > MAX_RDATA) throw new TransferError(`record ${nameToText(rr.name)} type ${rr.type} has ${rr.rdata.length} octets of rdata, over the ${MAX_RDATA} limit`);
    if (!this.inZone(rr.name)) throw new TransferError(`record ${nameToText(rr.name)} is outside zone ${nameToText(this.zone)} (a different zone?)`);
    const isSoa = rr.type === T_SOA;
    if (isSoa && !sameName(rr.name, this.zone)) throw new TransferError(`SOA record at ${nameToText(rr.name)}, not at the apex`);
    const serial = isSoa ? soaTimers(rr.rdata).serial : 0;
    switch (this.phase) {
      case 'first':
        if (!isSoa) throw new TransferError('transfer does not start with the zone SOA');
        this.first = rr;
        this.newSerial = serial;
        this.phase = 'second';
        return;
      case 'second':
        if (isSoa && this.qtype === T_IXFR && serial !== this.newSerial) {
          if (serial !== this.currentSerial) throw new TransferError(`IXFR starts from serial ${serial}, we asked from ${this.currentSerial}`);
          this.checkForward();
          this.diffs.push({ from: serial, to: -1, deleted: [rr], added: [] });
          this.phase = 'del';
          return;
        }
        this.checkForward();
        this.records.push(this.first!);
        this.phase = 'full';
        this.count--; // counted again below
        this.record(rr);
        return;
      case 'full':
        if (isSoa) {
          if (serial !== this.newSerial) throw new TransferError(`closing SOA has serial ${serial}, the opening one ${this.newSerial}`);
          this.phase = 'done';
          return;
        }
        this.records.push(rr);
        return;
      case 'del': {
        const diff = this.diffs[this.diffs.length - 1];
        if (!isSoa) {
          diff.deleted.push(rr);
          return;
        }
        if (!serialGreater(serial, diff.from)) throw new TransferError(`IXFR diff goes from serial ${diff.from} to ${serial}, not forwards`);
        diff.to = serial;
        diff.added.push(rr);
        this.phase = 'add';
        return;
      }
      case 'add': {
        const diff = this.diffs[this.diffs.length - 1];
        if (!isSoa) {
          diff.added.push(rr);
          return;
        }
        if (diff.to === this.newSerial && serial === this.newSerial) {
          this.phase = 'done';
          return;
        }
        if (serial !== diff.to) throw new TransferError(`IXFR diff starts at serial ${serial}, the previous one ended at ${diff.to}`);
        this.diffs.push({ from: serial, to: -1, deleted: [rr], added: [] });
        this.phase = 'del';
        return;
      }
    }
  }

  /** The zone goes forwards (RFC 1982), or it is the first copy we get. */
  private checkForward(): void {
    const cur = this.currentSerial;
    if (cur !== null && cur !== this.newSerial && !serialGreater(this.newSerial, cur)) {
      throw new TransferError(`serial went backwards: primary has ${this.newSerial}, we hold ${cur}; keeping ours (RFC 1982)`);
    }
  }

  private inZone(name: Uint8Array): boolean {
    const z = this.zoneWire;
    if (name.length < z.length) return false;
    const off = name.length - z.length;
    if (!sameName(name.subarray(off), z)) return false;
    // The suffix must start at a label boundary.
    let p = 0;
    while (p < off) p += name[p] + 1;
    return p === off;
  }
}

function tsigErrorOf(parsed: WireMessage): string | null {
  try {
    const t = findTsig(parsed);
    return t && t.error ? tsigErrorName(t.error) : null;
  } catch {
    return null;
  }
}
