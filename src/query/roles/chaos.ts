// CHAOS-class TXT answers that identify the server (RFC 4892): id.server, hostname.bind, version.bind/server.

import { C_CH, RCODE_REFUSED, T_TXT } from '../../wire/constants.js';
import type { Query } from '../../wire/query.js';
import { type ResponseWriter, Section } from '../../wire/writer.js';
import { bytesEqual } from '../../wire/name.js';
import { OutcomeKind, type QueryOutcome } from '../outcome.js';
import type { QueryContext, QueryRole } from './role.js';

export interface ServerIdentity {
  /** Answer for id.server and hostname.bind; null hides it (REFUSED). */
  identity: string | null;
  /** Answer for version.bind and version.server; null hides it. */
  version: string | null;
}

function wire(name: string): Uint8Array {
  const out: number[] = [];
  for (const label of name.split('.').filter(Boolean)) out.push(label.length, ...Buffer.from(label, 'ascii'));
  out.push(0);
  return Uint8Array.from(out);
}

function txtRdata(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8').subarray(0, 255);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** The CHAOS role. */
export class ChaosResponder implements QueryRole {
  private readonly names: { name: Uint8Array; rdata: Uint8Array | null }[];

  constructor(id: ServerIdentity) {
    const identity = id.identity === null ? null : txtRdata(id.identity);
    const version = id.version === null ? null : txtRdata(id.version);
    this.names = [
      { name: wire('id.server'), rdata: identity },
      { name: wire('hostname.bind'), rdata: identity },
      { name: wire('version.server'), rdata: version },
      { name: wire('version.bind'), rdata: version },
    ];
  }

  answer(q: Query, w: ResponseWriter, out: QueryOutcome, _ctx: QueryContext): void {
    const key = q.qname;
    for (const entry of this.names) {
      if (entry.name.length !== key.len || !bytesEqual(entry.name, 0, key.bytes, 0, key.len)) continue;
      // Only TXT is served; like Knot, other types and hidden names are REFUSED and answers carry no AA.
      if (entry.rdata === null || q.qtype !== T_TXT) break;
      if (!w.writeSynthetic(Section.Answer, T_TXT, C_CH, 0, 12, entry.rdata, entry.rdata.length)) w.markTruncated();
      out.kind = OutcomeKind.Positive;
      return;
    }
    w.setRcode(RCODE_REFUSED);
    out.kind = OutcomeKind.Refused;
  }
}
