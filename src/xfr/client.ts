// Zone transfer client: one AXFR or IXFR over TCP (RFC 7766 framing), TSIG-signed when the zone has a key,
// bounded in time. The result is a full zone, a chain of diffs, or "up to date"; errors are TransferErrors.

import net from 'node:net';
import { randomInt } from 'node:crypto';
import { nameFromText } from '../zone/text/name-text.js';
import { buildQuery } from './transfer-query.js';
import { type TransferResult, TransferError, TransferStream, T_AXFR, T_IXFR } from './stream.js';
import { TsigStreamVerifier, signMessage } from './tsig.js';
import type { TsigKey } from './tsig-keys.js';

export interface Primary {
  host: string;
  port: number;
}

export interface TransferRequest {
  zone: string;
  primary: Primary;
  key: TsigKey | null;
  /** The serial we hold (IXFR asks from it; an AXFR must not go below it); null for none. */
  serial: number | null;
  type: 'axfr' | 'ixfr';
  /** No progress for this long (connect, or between messages) fails the transfer. */
  idleTimeoutMs: number;
  /** The whole transfer, however it goes. */
  totalTimeoutMs: number;
}

export function transfer(req: TransferRequest): Promise<TransferResult> {
  const qtype = req.type === 'ixfr' && req.serial !== null ? T_IXFR : T_AXFR;
  const id = randomInt(0, 65536);
  let query: Uint8Array = buildQuery(id, req.zone, qtype, qtype === T_IXFR ? req.serial : null);
  let verifier: TsigStreamVerifier | null = null;
  if (req.key) {
    const signed = signMessage(query, req.key);
    query = signed.message;
    verifier = new TsigStreamVerifier(req.key, signed.mac);
  }
  const stream = new TransferStream(nameFromText(req.zone, null), qtype, id, req.serial, verifier);
  return new Promise<TransferResult>((resolve, reject) => {
    const socket = net.connect({ host: req.primary.host, port: req.primary.port });
    let settled = false;
    let pending: Buffer = Buffer.alloc(0);
    const finish = (err: Error | null, result?: TransferResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      socket.destroy();
      if (err) reject(err instanceof TransferError ? err : new TransferError(err.message));
      else resolve(result!);
    };
    const total = setTimeout(() => finish(new TransferError(`transfer took longer than ${req.totalTimeoutMs} ms`)), req.totalTimeoutMs);
    socket.setTimeout(req.idleTimeoutMs, () => finish(new TransferError(`no data from the primary for ${req.idleTimeoutMs} ms`)));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      try {
        while (pending.length >= 2) {
          const len = pending.readUInt16BE(0);
          if (pending.length < 2 + len) break;
          stream.add(pending.subarray(2, 2 + len));
          pending = pending.subarray(2 + len);
          if (stream.complete) {
            if (pending.length) throw new TransferError('data after the end of the transfer');
            finish(null, stream.finish());
            return;
          }
        }
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(new TransferError(`connection to ${req.primary.host}:${req.primary.port} failed: ${err.code ?? err.message}`)));
    socket.on('end', () => {
      try {
        if (pending.length) throw new TransferError(`connection closed in the middle of a message (${pending.length} octets buffered)`);
        finish(null, stream.finish());
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}
