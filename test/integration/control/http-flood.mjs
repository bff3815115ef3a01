// HTTP flood for tests: thousands of keep-alive clients hammering one port plus slowloris clients, bounded in time.
// Plain JS so the anycast lab's namespace agent (ns-agent.mjs) can run it too.

import net from 'node:net';
import os from 'node:os';

const MAX_CONNECTIONS = 5000;
const MAX_DURATION_MS = 30_000;

/**
 * Opens `connections` clients that each send GET requests back to back (reconnecting at once when
 * dropped), and `slowloris` clients that send one header line per second and never finish.
 * Resolves after durationMs with counts; every socket is closed by then.
 */
export function httpFlood({ host, port, connections = 2000, slowloris = 200, durationMs = 8000, path = '/metrics' }) {
  connections = Math.min(connections, MAX_CONNECTIONS);
  slowloris = Math.min(slowloris, MAX_CONNECTIONS);
  durationMs = Math.min(durationMs, MAX_DURATION_MS);
  // The attacker's CPU is not the node's: on a real network it is another machine. Here it shares the
  // test host's cores, so it runs at the lowest priority and takes only what the node leaves idle.
  const priorityBefore = os.getPriority();
  try {
    os.setPriority(19);
  } catch {
    // not allowed: flood at normal priority
  }
  const deadline = Date.now() + durationMs;
  const stats = { connects: 0, connectErrors: 0, responses: 0, droppedByServer: 0, slowlorisCut: 0, open: 0, maxOpen: 0 };
  const sockets = new Set();
  const request = `GET ${path} HTTP/1.1\r\nhost: flood\r\n\r\n`;

  const track = (sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
  };

  function flooder() {
    if (Date.now() >= deadline) return;
    const sock = net.connect(port, host);
    track(sock);
    let connected = false;
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      stats.connects++;
      stats.open++;
      stats.maxOpen = Math.max(stats.maxOpen, stats.open);
      sock.write(request);
    });
    sock.on('data', (chunk) => {
      // Response heads; a /metrics body never contains this text.
      const n = chunk.toString('latin1').split('HTTP/1.1 ').length - 1;
      if (n === 0) return;
      stats.responses += n;
      if (Date.now() < deadline && !sock.destroyed) sock.write(request);
    });
    sock.on('error', () => {
      if (!connected) stats.connectErrors++;
    });
    sock.on('close', () => {
      if (connected) stats.open--;
      if (connected && Date.now() < deadline) stats.droppedByServer++;
      // An attacker comes straight back.
      if (Date.now() < deadline) setImmediate(flooder);
    });
  }

  function slowClient() {
    if (Date.now() >= deadline) return;
    const sock = net.connect(port, host);
    track(sock);
    let n = 0;
    let timer = null;
    sock.on('connect', () => {
      sock.write(`GET /status HTTP/1.1\r\nhost: slow\r\n`);
      timer = setInterval(() => sock.write(`x-slow-${n++}: ${'a'.repeat(8)}\r\n`), 1000);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (timer) clearInterval(timer);
      if (Date.now() >= deadline) return;
      stats.slowlorisCut++;
      setTimeout(slowClient, 100);
    });
  }

  for (let i = 0; i < connections; i++) flooder();
  for (let i = 0; i < slowloris; i++) slowClient();
  return new Promise((resolve) => {
    setTimeout(() => {
      for (const s of sockets) s.destroy();
      // 'close' handlers run after destroy; the deadline has passed, so nothing reconnects.
      setTimeout(() => {
        try {
          os.setPriority(priorityBefore);
        } catch {
          // only root may raise it again; harmless for a process that ends after the flood
        }
        resolve({ ...stats, open: undefined, stillOpen: sockets.size });
      }, 200);
    }, durationMs);
  });
}
