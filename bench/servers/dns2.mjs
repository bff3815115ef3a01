// dns2 baseline: dns2's own UDP server API (createServer, handle(request, send)) over a Map lookup.
// Usage: node bench/servers/dns2.mjs --port N --zone FILE   (prints "ready N" once bound)
import { parseArgs } from 'node:util';
import dns2 from 'dns2';
import { zoneMap } from '../lib/zone-text.mjs';
import { naiveAnswer } from '../lib/naive-answer.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, zone: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const zone = zoneMap(values.zone);
const { Packet } = dns2;
const TYPE_NAME = Object.fromEntries(Object.entries(Packet.TYPE).map(([k, v]) => [v, k]));
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** dns2 wants its own record shape: the rdata fields flattened onto the resource. */
function toDns2(r) {
  const base = { name: r.name, type: Packet.TYPE[r.type], class: Packet.CLASS.IN, ttl: r.ttl };
  switch (r.type) {
    case 'A': case 'AAAA': return { ...base, address: r.data };
    case 'NS': return { ...base, ns: r.data };
    case 'CNAME': return { ...base, domain: r.data };
    case 'MX': return { ...base, exchange: r.data.exchange, priority: r.data.preference };
    case 'TXT': return { ...base, data: r.data };
    case 'SOA': return { ...base, primary: r.data.mname, admin: r.data.rname, serial: r.data.serial, refresh: r.data.refresh, retry: r.data.retry, expiration: r.data.expire, minimum: r.data.minimum };
    default: throw new Error(`no dns2 shape for ${r.type}`);
  }
}
// Converted once at start, so the per-query work is dns2's parse, the Map lookup and dns2's encode.
for (const types of zone.names.values()) for (const [t, set] of types) types.set(t, set.map((r) => ({ ...r, dns2: toDns2(r) })));
zone.soa = zone.names.get(zone.origin).get('SOA')[0];
const d2 = (list) => list.map((r) => r.dns2);

const server = dns2.createServer({
  udp: true,
  handle: (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const q = request.questions[0];
    const a = q ? naiveAnswer(zone, q.name, TYPE_NAME[q.type] ?? String(q.type)) : { rcode: 'REFUSED', aa: false, answers: [], authorities: [], additionals: [] };
    response.header.aa = a.aa ? 1 : 0;
    response.header.rcode = RCODE[a.rcode];
    response.answers = d2(a.answers);
    response.authorities = d2(a.authorities);
    response.additionals = d2(a.additionals);
    send(response);
  },
});
server.on('listening', () => console.log(`ready ${values.port}`));
server.listen({ udp: { port: Number(values.port), address: values.host, type: 'udp4' } });
