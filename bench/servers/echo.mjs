// The ceiling for Node on this machine: a dgram server that sends each datagram back with QR set, no DNS work.
// Usage: node bench/servers/echo.mjs --port N   (prints "ready N" once bound)
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2] |= 0x80; // QR: the same bytes, now a response; dnsperf matches it by ID
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(Number(values.port), values.host, () => {
  socket.setRecvBufferSize(4 * 1024 * 1024); // as anycastd does, so the comparison is about the work, not the buffer
  console.log(`ready ${socket.address().port}`);
});
