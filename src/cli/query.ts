// `anycastd query NAME [TYPE] --server ADDR:PORT [--tcp] [--nsid]`: a small dig for checking a node by hand.
// dns-packet rather than dns2's client: dns2 cannot ask for NSID or show the OPT record, which is the point here.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { parseListen } from '../transport/address.js';
import { recordLine } from './rdata-presentation.js';

export interface QueryFlags {
  server: string;
  tcp?: boolean;
  nsid?: boolean;
  dnssec?: boolean;
  timeout: string;
  class: string;
  norec?: boolean;
}

type Decoded = ReturnType<typeof dnsPacket.decode> & { rcode?: string; opcode?: string; flag_aa?: boolean; flag_tc?: boolean; flag_rd?: boolean; flag_ra?: boolean; flag_cd?: boolean };

function exchange(wire: Buffer, host: string, port: number, family: 4 | 6, tcp: boolean, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    let close = () => {};
    const finish = (err: Error | null, data?: Buffer) => {
      clearTimeout(timer);
      close();
      if (err) reject(err);
      else resolve(data!);
    };
    if (tcp) {
      const socket = net.connect({ host, port });
      close = () => socket.destroy();
      let buf = Buffer.alloc(0);
      socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([wire.length >> 8, wire.length & 0xff]), wire])));
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(null, buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      socket.on('error', (err) => finish(err));
      socket.on('end', () => finish(new Error('connection closed without an answer')));
    } else {
      const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      close = () => socket.close();
      socket.on('message', (msg) => finish(null, msg));
      socket.on('error', (err) => finish(err));
      socket.send(wire, port, host);
    }
  });
}

export async function runQuery(name: string, type: string, flags: QueryFlags, out: (line: string) => void): Promise<number> {
  const server = parseListen(flags.server);
  const id = (Math.random() * 0xffff) | 0;
  const options = flags.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [];
  const wire = dnsPacket.encode({
    type: 'query', id, flags: (flags.norec ? 0 : dnsPacket.RECURSION_DESIRED),
    questions: [{ name, type: type.toUpperCase() as 'A', class: flags.class.toUpperCase() as 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: flags.dnssec ? dnsPacket.DNSSEC_OK : 0, options } as dnsPacket.Answer],
  });
  const started = performance.now();
  const raw = await exchange(wire, server.host, server.port, server.family, flags.tcp ?? false, Number(flags.timeout) * 1000);
  const ms = performance.now() - started;
  const res = dnsPacket.decode(raw) as Decoded;
  const fl = [['qr', true], ['aa', res.flag_aa], ['tc', res.flag_tc], ['rd', res.flag_rd], ['ra', res.flag_ra], ['cd', res.flag_cd]].filter(([, v]) => v).map(([k]) => k);
  out(`;; ->>HEADER<<- opcode: ${res.opcode}, status: ${res.rcode}, id: ${res.id}`);
  out(`;; flags: ${fl.join(' ')}; QUERY: ${res.questions?.length ?? 0}, ANSWER: ${res.answers?.length ?? 0}, AUTHORITY: ${res.authorities?.length ?? 0}, ADDITIONAL: ${res.additionals?.length ?? 0}`);
  const opt = res.additionals?.find((r) => r.type === 'OPT') as dnsPacket.OptAnswer | undefined;
  if (opt) {
    out(`;; EDNS: version ${opt.ednsVersion ?? 0}, udp ${opt.udpPayloadSize}${opt.flags & dnsPacket.DNSSEC_OK ? ', do' : ''}`);
    for (const o of (opt.options ?? []) as { code: number; data?: Buffer }[]) {
      const data = Buffer.from(o.data ?? []);
      if (o.code === 3) out(`;; NSID: ${data.toString('hex')} ("${data.toString()}")`);
      else out(`;; OPTION ${o.code}: ${data.toString('hex')}`);
    }
  }
  for (const [title, rrs] of [['ANSWER', res.answers], ['AUTHORITY', res.authorities], ['ADDITIONAL', res.additionals]] as const) {
    const list = (rrs ?? []).filter((r) => r.type !== 'OPT');
    if (list.length === 0) continue;
    out(`\n;; ${title} SECTION:`);
    for (const rr of list) out(recordLine(rr));
  }
  out(`\n;; ${raw.length} bytes from ${flags.server} over ${flags.tcp ? 'TCP' : 'UDP'} in ${ms.toFixed(1)} ms`);
  return 0;
}
