// A timestamped UDP prober (child process of zone-reload.mjs): one query every --interval ms to 127.0.0.1:--port for
// --seconds, then prints one JSON line with every slow (> --slow ms) or unanswered probe and when it was sent, so
// stalls can be lined up with reload events. Bounded: it stops after --seconds or on SIGTERM.
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';

const { values } = parseArgs({ options: { port: { type: 'string' }, name: { type: 'string' }, interval: { type: 'string', default: '5' }, seconds: { type: 'string', default: '60' }, slow: { type: 'string', default: '10' } } });
const port = Number(values.port);
const slowMs = Number(values.slow);
const socket = dgram.createSocket('udp4');
const pending = new Map(); // id → [epoch ms, hrtime ns]
const slow = [];
let sent = 0;
let answered = 0;
let id = 0;

socket.on('message', (buf) => {
  if (buf.length < 2) return;
  const got = pending.get(buf.readUInt16BE(0));
  if (!got) return;
  pending.delete(buf.readUInt16BE(0));
  answered++;
  const ms = Number(process.hrtime.bigint() - got[1]) / 1e6;
  if (ms > slowMs) slow.push({ at: got[0], ms: Math.round(ms * 10) / 10 });
});

const timer = setInterval(() => {
  id = (id + 1) & 0xffff;
  const msg = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type: 'A', name: values.name, class: 'IN' }] });
  pending.set(id, [Date.now(), process.hrtime.bigint()]);
  sent++;
  socket.send(msg, port, '127.0.0.1');
}, Number(values.interval));

function finish() {
  clearInterval(timer);
  setTimeout(() => {
    const lost = [...pending.values()].map(([at]) => ({ at, ms: null }));
    console.log(JSON.stringify({ sent, answered, slow, lost }));
    socket.close();
    process.exit(0);
  }, 1000); // a last second for answers in flight
}
setTimeout(finish, Number(values.seconds) * 1000);
process.once('SIGTERM', finish);
socket.bind(0, '127.0.0.1');
