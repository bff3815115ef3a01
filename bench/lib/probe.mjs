// A tiny UDP DNS client: one query with a timeout, and polling until a zone answers with a given SOA serial.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

let nextId = 1;

/** Sends one query to 127.0.0.1:port; resolves with the decoded response or null after timeoutMs. */
export function queryOnce(port, name, type, timeoutMs = 500, host = '127.0.0.1') {
  const id = (nextId = (nextId + 1) & 0xffff);
  const msg = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type, name, class: 'IN' }] });
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const done = (value) => {
      clearTimeout(timer);
      sock.close();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('error', () => done(null));
    sock.on('message', (buf) => {
      try {
        const res = dnsPacket.decode(buf);
        if (res.id === id) done(res);
      } catch {
        done({ undecodable: true, bytes: buf.length });
      }
    });
    sock.send(msg, port, host);
  });
}

/**
 * Polls every intervalMs until the server answers the origin's SOA with the serial; resolves with the
 * elapsed ms since `since` (a process.hrtime.bigint()), or rejects after timeoutMs or when isDead() says so.
 */
export async function waitForSerial(port, origin, serial, { since, intervalMs = 20, timeoutMs = 120000, isDead = () => false }) {
  const name = origin.replace(/\.$/, '');
  for (;;) {
    const res = await queryOnce(port, name, 'SOA', intervalMs);
    const soa = res?.answers?.find((a) => a.type === 'SOA');
    if (soa && soa.data.serial === serial) return Number(process.hrtime.bigint() - since) / 1e6;
    const elapsed = Number(process.hrtime.bigint() - since) / 1e6;
    if (elapsed > timeoutMs) throw new Error(`no SOA serial ${serial} from 127.0.0.1:${port} after ${timeoutMs} ms`);
    if (isDead()) throw new Error(`server on port ${port} exited before answering`);
    if (!res) continue; // no answer yet (port not bound): the timeout already waited intervalMs
    await new Promise((ok) => setTimeout(ok, intervalMs));
  }
}
