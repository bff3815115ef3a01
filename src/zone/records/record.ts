// The record as the zone parser hands it to the compiler: wire-format, uncompressed, with its source position.

export interface ZoneRecord {
  /** Owner name in wire format (length-prefixed labels, terminating zero), absolute, case as written. */
  owner: Uint8Array;
  type: number;
  /** 1 = IN, 3 = CH. */
  klass: number;
  ttl: number;
  /** RDATA in uncompressed wire format, without the RDLENGTH prefix. */
  rdata: Uint8Array;
  file: string;
  line: number;
}

/** A problem found in a zone, always tied to a file and line so operators can fix it. */
export interface ZoneProblem {
  file: string;
  line: number;
  message: string;
}

export class ZoneError extends Error {
  constructor(readonly problems: ZoneProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'ZoneError';
  }
}
