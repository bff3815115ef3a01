// Tests for the BIRD control-socket client against a fake BIRD on a unix socket (replies copied from BIRD 2.0.12).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  BirdControl,
  BirdError,
  BirdReplyParser,
  reloadWithRetry,
  type ConfigureResult,
  type Reloader,
} from './control-socket.js';

const GREETING = '0001 BIRD 2.0.12 ready.\n';

/** What the fake answers to one command: text to send, or null to stay silent. */
type Script = (cmd: string, conn: number) => string | null;

interface FakeBird {
  path: string;
  commands: string[];
  close(): Promise<void>;
}

let dir: string;
const servers: net.Server[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anycastd-ctl-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function fakeBird(script: Script, opts: { greeting?: boolean; chunked?: boolean } = {}): Promise<FakeBird> {
  const path = join(dir, `bird-${servers.length}.ctl`);
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  let conn = 0;
  const send = (sock: net.Socket, text: string): void => {
    if (!opts.chunked) return void sock.write(text);
    for (const ch of text) sock.write(ch); // one write per character: the parser must reassemble
  };
  const server = net.createServer((sock) => {
    const n = conn++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    if (opts.greeting !== false) send(sock, GREETING);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        commands.push(cmd);
        const reply = script(cmd, n);
        if (reply !== null) send(sock, reply);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, r));
  return {
    path,
    commands,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const errorOf = (p: Promise<unknown>): Promise<BirdError> => p.then(() => expect.fail('expected a BirdError') as never, (e: BirdError) => e);

describe('BirdReplyParser', () => {
  it('handles -, space and leading-space continuation lines and ignores async + lines', () => {
    const p = new BirdReplyParser();
    expect(p.push('2002-Name  Proto\n1002-device1 Device\n')).toEqual([]);
    expect(p.push(' kernel1 Kernel\n+0008 async\n0000 \n0003 Reconfigured\n')).toEqual([
      {
        code: 0,
        message: '',
        lines: [
          { code: 2002, text: 'Name  Proto' },
          { code: 1002, text: 'device1 Device' },
          { code: 1002, text: 'kernel1 Kernel' },
          { code: 0, text: '' },
        ],
      },
      { code: 3, message: 'Reconfigured', lines: [{ code: 3, text: 'Reconfigured' }] },
    ]);
  });

  it('rejects a line that is not BIRD protocol', () => {
    expect(() => new BirdReplyParser().push('HTTP/1.1 400 Bad Request\n')).toThrow(BirdError);
  });
});

describe('BirdControl', () => {
  it('reads the greeting, then a multi-line reply (show protocols)', async () => {
    const bird = await fakeBird(() =>
      '2002-Name       Proto      Table      State  Since         Info\n' +
      '1002-device1    Device     ---        up     17:00:23.416  \n' +
      ' anycastd_v4 Static     master4    up     17:00:23.416  \n' +
      '0000 \n',
    );
    const text = await new BirdControl({ socketPath: bird.path }).showProtocols();
    expect(text.split('\n')).toEqual([
      'Name       Proto      Table      State  Since         Info',
      'device1    Device     ---        up     17:00:23.416  ',
      'anycastd_v4 Static     master4    up     17:00:23.416  ',
      '',
    ]);
    expect(bird.commands).toEqual(['show protocols']);
  });

  it('reassembles replies delivered one byte at a time', async () => {
    const bird = await fakeBird(() => '0002-Reading configuration from /etc/bird/bird.conf\n0003 Reconfigured\n', { chunked: true });
    const r = await new BirdControl({ socketPath: bird.path }).configure();
    expect(r).toMatchObject({ code: 3, message: 'Reconfigured' });
  });

  it('builds show route commands and returns "Network not found" as text', async () => {
    const bird = await fakeBird((cmd) => (cmd.includes('198.51') ? '8001 Network not found\n' : '1007-Table master4:\n 192.0.2.1/32 blackhole\n0000 \n'));
    const c = new BirdControl({ socketPath: bird.path });
    expect(await c.showRoute('192.0.2.1/32', { all: true })).toContain('192.0.2.1/32 blackhole');
    expect(await c.showRoute('198.51.100.1')).toBe('Network not found');
    expect(bird.commands).toEqual(['show route for 192.0.2.1/32 all', 'show route for 198.51.100.1']);
  });

  it.each([
    ['0003 Reconfigured', 3],
    ['0004 Reconfiguration in progress', 4],
    ['0005 Reconfiguration already in progress, queueing new config', 5],
    ['0019 Nothing to do', 19],
  ])('configure succeeds on %j', async (last, code) => {
    const bird = await fakeBird(() => `0002-Reading configuration from /etc/bird/bird.conf\n${last}\n`);
    expect((await new BirdControl({ socketPath: bird.path }).configure()).code).toBe(code);
    expect(bird.commands).toEqual(['configure']);
  });

  it('configure with a broken config: refused-config with BIRD code and message', async () => {
    const bird = await fakeBird(
      () => "0002-Reading configuration from /etc/bird/bird.conf\n8002 /run/anycastd/bird-anycast.conf:16:27 syntax error, unexpected ';'\n",
    );
    const err = await errorOf(new BirdControl({ socketPath: bird.path }).configure());
    expect(err).toBeInstanceOf(BirdError);
    expect(err).toMatchObject({ kind: 'refused-config', code: 8002 });
    expect(err.message).toContain('bird-anycast.conf:16:27 syntax error');
  });

  it('configure: unknown success-range code and 0006 (shutting down) are errors of kind other', async () => {
    const bird = await fakeBird(() => '0006 Reconfiguration ignored, shutting down\n');
    expect(await errorOf(new BirdControl({ socketPath: bird.path }).configure())).toMatchObject({ kind: 'other', code: 6 });
  });

  it('a socket that accepts but never greets times out quickly', async () => {
    const bird = await fakeBird(() => null, { greeting: false });
    const t0 = performance.now();
    const err = await errorOf(new BirdControl({ socketPath: bird.path, timeoutMs: 150 }).configure());
    const ms = performance.now() - t0;
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(err.message).toMatch(/within 150 ms \(waiting for greeting\)/);
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(1000);
  });

  it('a BIRD that greets but never replies times out', async () => {
    const bird = await fakeBird(() => null);
    const err = await errorOf(new BirdControl({ socketPath: bird.path, timeoutMs: 150 }).configure());
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(err.message).toMatch(/waiting for reply/);
  });

  it('an absent socket is reported as absent at once', async () => {
    const t0 = performance.now();
    const err = await errorOf(new BirdControl({ socketPath: join(dir, 'missing.ctl') }).configure());
    expect(err).toMatchObject({ kind: 'absent', errno: 'ENOENT' });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('a stale socket file (BIRD died) is refused and reported as absent', async () => {
    const path = join(dir, 'stale.ctl');
    // A child that listens and exits without closing leaves the socket file behind, as a killed BIRD does.
    const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
    expect(r.status).toBe(0);
    expect(await errorOf(new BirdControl({ socketPath: path }).configure())).toMatchObject({ kind: 'absent', errno: 'ECONNREFUSED' });
  });

  it('a connection closed before the reply is an error of kind other', async () => {
    const bird = await fakeBird(() => null);
    const c = new BirdControl({ socketPath: bird.path, timeoutMs: 2000 });
    const pending = errorOf(c.configure());
    setTimeout(() => void bird.close(), 50);
    const err = await pending;
    expect(err.kind).toBe('other');
    expect(['ECLOSED', 'ECONNRESET'], err.message).toContain(err.errno);
  });

  it('a reset connection (BIRD killed mid-reply) is an error of kind other', async () => {
    // A BIRD that greets, then freezes and is killed with the command unread: the kernel resets the peer.
    const path = join(dir, 'reset.ctl');
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer((s) => s.write(${JSON.stringify(GREETING)}, () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000)))` +
        `.listen(${JSON.stringify(path)}, () => console.log('ready'))`,
    ]);
    await new Promise((r) => child.stdout.once('data', r));
    const pending = errorOf(new BirdControl({ socketPath: path }).configure());
    setTimeout(() => child.kill('SIGKILL'), 100);
    const err = await pending;
    expect(err.kind).toBe('other');
    expect(err.errno).toBe('ECONNRESET');
    expect(err.message).toMatch(/reset the connection/);
  });

  it('refuses multi-line commands', async () => {
    await expect(new BirdControl({ socketPath: '/nonexistent' }).command('configure\ndown')).rejects.toThrow(/one line/);
  });
});

describe('reloadWithRetry', () => {
  const noSleep = async (): Promise<void> => undefined;

  it('slow first reply (timeout), then success on retry', async () => {
    const bird = await fakeBird((_cmd, conn) => (conn === 0 ? null : '0002-Reading configuration from x\n0003 Reconfigured\n'));
    const retries: number[] = [];
    const out = await reloadWithRetry({
      client: new BirdControl({ socketPath: bird.path, timeoutMs: 100 }),
      sleep: noSleep,
      onRetry: (attempt, _delay, err) => {
        retries.push(attempt);
        expect(err.kind).toBe('timeout');
      },
    });
    expect(out).toMatchObject({ ok: true, code: 3, attempts: 2 });
    expect(retries).toEqual([1]);
  });

  it('a refused config is reported after one attempt, not retried', async () => {
    const bird = await fakeBird(() => '8002 /x.conf:1:1 syntax error\n');
    const out = await reloadWithRetry({ client: new BirdControl({ socketPath: bird.path }), sleep: noSleep });
    expect(out).toMatchObject({ ok: false, attempts: 1, code: 8002 });
    expect(out.error?.kind).toBe('refused-config');
    expect(bird.commands).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last error, waiting with backoff in between', async () => {
    const delays: number[] = [];
    const out = await reloadWithRetry({
      client: new BirdControl({ socketPath: join(dir, 'missing.ctl') }),
      maxAttempts: 4,
      random: () => 0,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(out).toMatchObject({ ok: false, attempts: 4 });
    expect(out.error?.kind).toBe('absent');
    expect(delays).toEqual([100, 200, 400]);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    const client: Reloader = {
      configure: async (): Promise<ConfigureResult> => {
        calls++;
        throw new BirdError('timeout', 'slow');
      },
    };
    const started = reloadWithRetry({ client, maxAttempts: 10, baseDelayMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const out = await started;
    expect(out).toMatchObject({ ok: false, aborted: true, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('backoffDelay doubles from base to max and jitter only shortens', () => {
    const d = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 100, 5000, 0.5, () => 0));
    expect(d).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(backoffDelay(3, 100, 5000, 0.5, () => 1)).toBe(200);
    expect(backoffDelay(3, 100, 5000, 1, () => 0.25)).toBe(300);
  });
});
