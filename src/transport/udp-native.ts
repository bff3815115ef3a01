// Native batched UDP path: the addon reads a batch with recvmmsg, this answers each datagram in place, the addon sends with sendmmsg.

import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { QueryHandler } from '../query/handler.js';
import { Transport } from '../query/stats.js';
import type { ResponseRateLimiter } from '../abuse/rrl.js';
import { type ListenAddress, formatListen } from './address.js';
import { servfailFor } from './servfail.js';
import { SockaddrReader } from './sockaddr.js';
import { limit } from './udp-limit.js';

import type { UdpIo, UdpIoChoice } from './udp-io.js';

export type { UdpIo, UdpIoChoice } from './udp-io.js';

/** What every UDP listener offers the server, whichever path carries it. */
export interface UdpListener {
  address(): { address: string; port: number };
  close(): void;
}

interface NativeSocket {
  close(): void;
  port(): number;
  /** recv errors, send errors, replies dropped on a full socket buffer, bad reply lengths, truncated datagrams. */
  stats(): number[];
}

interface UdpBatchAddon {
  UdpBatchSocket: new (host: string, port: number, family: number, batch: number, rxSlot: number, txSlot: number,
    rx: ArrayBuffer, tx: ArrayBuffer, lens: ArrayBuffer, addrs: ArrayBuffer, onBatch: (count: number) => void) => NativeSocket;
  ADDR_SLOT: number;
}

/** Datagrams per recvmmsg. */
export const BATCH = 64;
/** A UDP payload never exceeds 65507 octets, so no query is cut and no reply is too big for its slot. */
const SLOT = 65536;
/** The built addon, beside src/ and dist/ alike (both are two levels below the repository root). */
export const ADDON_FILE = new URL('../../native/udp-batch/build/Release/udp_batch.node', import.meta.url).pathname;

let addon: UdpBatchAddon | null | undefined;
let addonError = '';

/** The addon, or null with the reason in nativeUnavailableReason(); loaded once per thread. */
export function loadUdpBatchAddon(): UdpBatchAddon | null {
  if (addon !== undefined) return addon;
  if (process.platform !== 'linux') {
    addonError = `native UDP is Linux only (this is ${process.platform})`;
    return (addon = null);
  }
  try {
    addon = createRequire(import.meta.url)(ADDON_FILE) as UdpBatchAddon;
  } catch (err) {
    addonError = `native UDP addon not loadable (${(err as Error).message.split('\n')[0]}); build it with npm run build:native`;
    addon = null;
  }
  return addon;
}

export function nativeUnavailableReason(): string {
  loadUdpBatchAddon();
  return addonError;
}

/** Which path --udp-io asks for here: native must be there when asked for by name; auto settles for dgram. */
export function resolveUdpIo(choice: UdpIoChoice, log: Logger): UdpIo {
  if (choice === 'dgram') return 'dgram';
  if (loadUdpBatchAddon() !== null) return 'native';
  if (choice === 'native') throw new Error(`--udp-io native: ${nativeUnavailableReason()}`);
  log.info({ why: nativeUnavailableReason() }, 'native UDP unavailable, using dgram');
  return 'dgram';
}

/** Batches seen by size, in power-of-two buckets: [1], [2,3], [4,7], [8,15], [16,31], [32,63], [64]; shared by this thread's sockets. */
export const batchSizes = new Float64Array(31 - Math.clz32(BATCH) + 1);

function bucketOf(n: number): number {
  return Math.min(batchSizes.length - 1, 31 - Math.clz32(n));
}

/** Opens one batched socket on addr (SO_REUSEPORT: every data-path thread or process opens its own). */
export function listenUdpNative(addr: ListenAddress, handler: QueryHandler, log: Logger, rrl: ResponseRateLimiter | null = null): UdpListener {
  const lib = loadUdpBatchAddon();
  if (lib === null) throw new Error(nativeUnavailableReason());
  const slot = lib.ADDR_SLOT;
  const rx = new ArrayBuffer(BATCH * SLOT);
  const tx = new ArrayBuffer(BATCH * SLOT);
  const lensBuffer = new ArrayBuffer(3 * BATCH * 4);
  const addrsBuffer = new ArrayBuffer(BATCH * slot);
  const lens = new Int32Array(lensBuffer);
  const addrs = new Uint8Array(addrsBuffer);
  const txBytes = new Uint8Array(tx);
  const packets = Array.from({ length: BATCH }, (_, i) => Buffer.from(rx, i * SLOT, SLOT));
  const reader = new SockaddrReader();

  const onBatch = (count: number): void => {
    batchSizes[bucketOf(count)]++;
    for (let i = 0; i < count; i++) {
      const len = lens[i];
      // A cut datagram (never from a real UDP socket with 64 KiB slots) or an address we cannot name: not a query we can answer.
      if (len < 0 || !reader.read(addrs, i * slot, lens[2 * BATCH + i])) {
        handler.stats.dropped++;
        continue;
      }
      const pkt = packets[i];
      let out: number;
      try {
        out = handler.handle(pkt, len, Transport.Udp, reader.remote);
        if (rrl !== null && out !== 0) out = limit(handler, rrl, out);
        if (out !== 0) handler.copyResponse(txBytes, i * SLOT);
      } catch (err) {
        handler.countFailure(Transport.Udp);
        log.error({ err, from: reader.remote.address }, 'query handler failed; answering SERVFAIL');
        const fail = servfailFor(pkt.subarray(0, len));
        out = fail === null ? 0 : fail.length;
        if (fail !== null) txBytes.set(fail, i * SLOT);
      }
      lens[BATCH + i] = out;
    }
  };

  let socket: NativeSocket;
  try {
    socket = new lib.UdpBatchSocket(addr.host, addr.port, addr.family, BATCH, SLOT, SLOT, rx, tx, lensBuffer, addrsBuffer, onBatch);
  } catch (err) {
    throw new Error(`UDP ${formatListen(addr)}: ${(err as Error).message}`);
  }
  return {
    address: () => ({ address: addr.host, port: socket.port() }),
    close: () => socket.close(),
  };
}
