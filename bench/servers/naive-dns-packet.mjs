// Naive baseline: dgram + dns-packet. Decode every query, look it up in a Map, encode a fresh response.
// Usage: node bench/servers/naive-dns-packet.mjs --port N --zone FILE   (prints "ready N" once bound)
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { zoneMap } from '../lib/zone-text.mjs';
import { naiveAnswer } from '../lib/naive-answer.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, zone: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const zone = zoneMap(values.zone);
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  let reply;
  try {
    const query = dnsPacket.decode(msg);
    const q = query.questions[0];
    const a = q ? naiveAnswer(zone, q.name, q.type) : { rcode: 'REFUSED', aa: false, answers: [], authorities: [], additionals: [] };
    reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: (a.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (query.flags & dnsPacket.RECURSION_DESIRED) | RCODE[a.rcode],
      questions: query.questions,
      answers: a.answers,
      authorities: a.authorities,
      additionals: a.additionals,
    });
  } catch {
    return; // undecodable: a naive server drops it
  }
  socket.send(reply, rinfo.port, rinfo.address);
});
socket.bind(Number(values.port), values.host, () => {
  socket.setRecvBufferSize(4 * 1024 * 1024);
  console.log(`ready ${socket.address().port}`);
});
