// Self-check: asks our own listening addresses for the SOA of every loaded zone, over UDP and TCP, as a client would.

import net from 'node:net';
import dns2 from 'dns2';
import type { ListenAddress } from '../transport/address.js';
import { formatListen } from '../transport/address.js';
import { serialGreater } from '../zone/records/serial.js';

const { Packet } = dns2;

export interface ZoneExpectation {
  origin: string;
  serial: number;
}

export interface SelfCheckOutcome {
  ok: boolean;
  detail: string;
  /** Per probe, for metrics and /status. */
  probes: { target: string; transport: 'udp' | 'tcp'; zone: string; ok: boolean; ms: number; error?: string }[];
}

/** The query for a zone's SOA, without RD: an authoritative server is asked the way resolvers ask it. */
function soaQuery(origin: string): Buffer {
  const q = new Packet();
  q.header.id = (Math.random() * 0xffff) | 0;
  q.header.rd = 0;
  q.questions.push({ name: origin.replace(/\.$/, ''), type: Packet.TYPE.SOA, class: Packet.CLASS.IN });
  return q.toBuffer();
}

function judge(res: InstanceType<typeof Packet>, zone: ZoneExpectation): string | null {
  if (res.header.rcode !== 0) return `rcode ${res.header.rcode}`;
  if (!res.header.aa) return 'AA not set';
  const soa = res.answers.find((a) => a.type === Packet.TYPE.SOA);
  if (!soa) return 'no SOA in the answer';
  // Newer is fine: the zone may have been reloaded since the workers last reported.
  if (soa.serial === undefined || (soa.serial !== zone.serial && !serialGreater(soa.serial, zone.serial))) return `serial ${soa.serial}, loaded ${zone.serial}`;
  return null;
}

/**
 * UDP through dns2's client. Its client has no timeout, so the socket it creates is handed an
 * AbortSignal (dns2 passes socketType straight to dgram) and closed when the timeout fires.
 */
async function udpProbe(addr: ListenAddress, zone: ZoneExpectation, timeoutMs: number): Promise<string | null> {
  const abort = new AbortController();
  const resolve = dns2.UDPClient({
    dns: addr.host,
    port: addr.port,
    socketType: { type: addr.family === 6 ? 'udp6' : 'udp4', signal: abort.signal },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const res = (await Promise.race([
      resolve(zone.origin.replace(/\.$/, ''), 'SOA', Packet.CLASS.IN, { recursive: false }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]));
    return judge(res, zone);
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/**
 * TCP with dns2's packet codec on a socket of our own: dns2's TCP client cannot be cancelled, and a
 * check against a hung server must not leave a connection behind each round.
 */
function tcpProbe(addr: ListenAddress, zone: ZoneExpectation, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const query = soaQuery(zone.origin);
    const socket = net.connect({ host: addr.host, port: addr.port });
    let buf = Buffer.alloc(0);
    const done = (result: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`timeout after ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (err) => done(err.message));
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      try {
        done(judge(Packet.parse(buf.subarray(2, 2 + buf.readUInt16BE(0))), zone));
      } catch (err) {
        done(`unparsable answer: ${(err as Error).message}`);
      }
    });
    socket.on('end', () => done('connection closed without an answer'));
  });
}

export async function runSelfCheck(addresses: ListenAddress[], zones: ZoneExpectation[], timeoutMs: number): Promise<SelfCheckOutcome> {
  if (zones.length === 0) return { ok: false, detail: 'no zone loaded', probes: [] };
  const probes: SelfCheckOutcome['probes'] = [];
  await Promise.all(
    addresses.flatMap((addr) =>
      zones.flatMap((zone) =>
        (['udp', 'tcp'] as const).map(async (transport) => {
          const started = performance.now();
          const error = await (transport === 'udp' ? udpProbe(addr, zone, timeoutMs) : tcpProbe(addr, zone, timeoutMs));
          probes.push({ target: formatListen(addr), transport, zone: zone.origin, ok: error === null, ms: performance.now() - started, ...(error ? { error } : {}) });
        }),
      ),
    ),
  );
  const failed = probes.filter((p) => !p.ok);
  if (failed.length === 0) return { ok: true, detail: `${probes.length} SOA probes answered`, probes };
  const f = failed[0];
  const more = failed.length > 1 ? ` (${failed.length - 1} more failed)` : '';
  return { ok: false, detail: `${f.transport} ${f.target} SOA ${f.zone}: ${f.error}${more}`, probes };
}
