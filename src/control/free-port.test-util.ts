// Test utility: a loopback port free for both UDP and TCP (the self-check probes one address over both).

import dgram from 'node:dgram';
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((ok, fail) => {
      const s = net.createServer().once('error', fail);
      s.listen(0, host, () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => ok(p));
      });
    });
    const free = await new Promise<boolean>((ok) => {
      const u = dgram.createSocket('udp4').once('error', () => ok(false));
      u.bind(port, host, () => u.close(() => ok(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port');
}
