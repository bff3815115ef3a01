// Test helper: spawns a real `anycastd serve` on a free loopback port, waits until it answers, and stops it.

import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildQuery } from './dns.js';
import { sleep } from './wait.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CLI = join(REPO_ROOT, 'dist/cli/main.js');
export const HOST = '127.0.0.1';

export interface ServerOptions {
  /** Extra `serve` flags, e.g. ['--tcp-idle-ms', '500']. */
  args?: string[];
  /** Zone files copied from the repo's zones/ directory (default: example.test.zone). */
  zones?: string[];
  nsid?: string;
  /** How long to wait for the first SOA answer. */
  readyTimeoutMs?: number;
  /** A port chosen by the caller (e.g. one a NOTIFY sender is configured with); default: a free one. */
  port?: number;
}

export interface RunningServer {
  port: number;
  /** Its --control-socket (in a temporary directory unless the test passed one). */
  controlSocket: string;
  proc: ChildProcess;
  /** Still running (no exit seen and signal 0 succeeds). */
  alive(): boolean;
  /** Resident set size in KiB, from /proc (0 if unavailable). */
  rssKiB(): number;
  /** The last lines the server wrote to stderr, for failure messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** A port that is free for both TCP and UDP on 127.0.0.1 at the moment of asking. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((ok, fail) => {
      const s = net.createServer();
      s.once('error', fail);
      s.listen(0, HOST, () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => ok(p));
      });
    });
    const udpFree = await new Promise<boolean>((ok) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => ok(false));
      u.bind(port, HOST, () => u.close(() => ok(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port found after 20 attempts');
}

/** Sends one UDP datagram and waits for one reply (null on timeout). */
export function udpExchange(port: number, msg: Uint8Array, timeoutMs = 1000, host = HOST): Promise<Buffer | null> {
  return new Promise((ok) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(reply: Buffer | null): void {
      clearTimeout(timer);
      sock.removeAllListeners('message');
      sock.close();
      ok(reply);
    }
    sock.on('error', () => finish(null));
    sock.on('message', (reply) => finish(reply));
    sock.send(msg, port, host);
  });
}

async function spawnOnce(port: number, zonesDir: string, runDir: string, opts: ServerOptions): Promise<RunningServer> {
  // Each server its own control socket: the default /run/anycastd/control.sock admits one service per host.
  const given = opts.args?.indexOf('--control-socket') ?? -1;
  const controlSocket = given >= 0 ? opts.args![given + 1] : join(runDir, 'control.sock');
  const args = [CLI, 'serve', '--listen', `${HOST}:${port}`, '--zones', zonesDir, '--nsid', opts.nsid ?? 'itest', ...(given >= 0 ? [] : ['--control-socket', controlSocket]), ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const tail: string[] = [];
  let exited: string | null = null;
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line) tail.push(line);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  });
  const exitPromise = new Promise<void>((ok) =>
    proc.once('exit', (code, signal) => {
      exited = `exited code=${code} signal=${signal}`;
      ok();
    }),
  );
  const server: RunningServer = {
    port,
    controlSocket,
    proc,
    alive: () => {
      if (exited !== null || proc.pid === undefined) return false;
      try {
        process.kill(proc.pid, 0);
        return true;
      } catch {
        return false;
      }
    },
    rssKiB: () => {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    },
    logTail: (lines = 20) => [exited ?? 'running', ...tail.slice(-lines)].join('\n'),
    stop: async () => {
      if (exited === null) {
        proc.kill('SIGTERM');
        const killed = await Promise.race([exitPromise.then(() => true), sleep(3000).then(() => false)]);
        if (!killed && exited === null) {
          proc.kill('SIGKILL');
          await Promise.race([exitPromise, sleep(2000)]);
        }
      }
    },
  };
  const soa = buildQuery({ id: 4242, name: 'example.test', type: 'SOA' });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  while (Date.now() < deadline && exited === null) {
    const reply = await udpExchange(port, soa, 200);
    if (reply && reply.length >= 12 && reply.readUInt16BE(0) === 4242 && (reply[3] & 0xf) === 0) return server;
    await sleep(50);
  }
  await server.stop();
  throw new Error(`server on port ${port} did not answer a SOA query: ${server.logTail()}`);
}

/**
 * Starts the server on a fresh port with a temporary zones directory. Retries with another port if
 * it dies during start-up (another process may have grabbed the port in between).
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p tsconfig.build.json\` first`);
  const zonesDir = mkdtempSync(join(tmpdir(), 'anycastd-itest-'));
  const runDir = mkdtempSync(join(tmpdir(), 'anycastd-run-'));
  for (const z of opts.zones ?? ['example.test.zone']) copyFileSync(join(REPO_ROOT, 'zones', z), join(zonesDir, z));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const server = await spawnOnce(opts.port ?? (await freePort()), zonesDir, runDir, opts);
      const stop = server.stop;
      server.stop = async () => {
        await stop();
        rmSync(zonesDir, { recursive: true, force: true });
        rmSync(runDir, { recursive: true, force: true });
      };
      return server;
    } catch (err) {
      lastError = err;
    }
  }
  rmSync(zonesDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
  throw lastError;
}
