// The control socket for real: file mode, stale files, a second instance, and bad clients that must not hurt it.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ControlSocket, ControlSocketError, startControlSocket } from './control-socket.js';
import { controlCall } from './control-client.js';
import type { ControlRequest } from './control-protocol.js';

const silent = pino({ level: 'silent' });
const LIMITS = { maxLineBytes: 256, maxConnections: 3, idleMs: 300 };

/** Sends raw bytes and collects the reply lines until the server closes or `ms` pass. */
function rawExchange(path: string, data: string | Buffer, ms = 1000): Promise<{ lines: string[]; closed: boolean }> {
  return new Promise((resolve) => {
    let got = '';
    let closed = false;
    const sock = net.connect(path, () => sock.write(data));
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ lines: got.split('\n').filter(Boolean), closed });
    };
    const timer = setTimeout(done, ms);
    sock.on('data', (d) => (got += String(d)));
    sock.on('close', () => ((closed = true), done()));
    sock.on('error', done);
  });
}

describe('control socket', () => {
  let dir: string;
  let path: string;
  const started: ControlSocket[] = [];
  const seen: ControlRequest[] = [];
  const handler = async (req: ControlRequest) => {
    seen.push(req);
    if (req.cmd === 'reload') throw new Error('zones dir unreadable');
    return { state: 'up', cmd: req.cmd };
  };
  const start = async () => {
    const s = await startControlSocket(path, handler, silent, LIMITS);
    started.push(s);
    return s;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-ctl-'));
    path = join(dir, 'run', 'control.sock');
    seen.length = 0;
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its directory and a socket of mode 0660: not world-writable', async () => {
    await start();
    const st = statSync(path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    expect(st.mode & 0o002).toBe(0);
  });

  it('answers a command with {"v":1,"ok":true,"result"} and a failed one with its error', async () => {
    await start();
    expect(await controlCall(path, 'drain')).toEqual({ state: 'up', cmd: 'drain' });
    await expect(controlCall(path, 'reload')).rejects.toThrow('anycastd: zones dir unreadable');
    const raw = await rawExchange(path, '{"v":1,"cmd":"status"}\n{"v":1,"cmd":"undrain"}\n', 300);
    expect(raw.lines.map((l) => JSON.parse(l))).toEqual([
      { v: 1, ok: true, result: { state: 'up', cmd: 'status' } },
      { v: 1, ok: true, result: { state: 'up', cmd: 'undrain' } },
    ]);
  });

  it('answers malformed input with an error, keeps the connection, and keeps serving', async () => {
    const s = await start();
    const raw = await rawExchange(path, 'drain\n{"v":9,"cmd":"drain"}\n{"v":1,"cmd":"rm -rf"}\n\u0000\u00ff\n{"v":1,"cmd":"status"}\n', 300);
    const replies = raw.lines.map((l) => JSON.parse(l));
    expect(replies.map((r) => r.ok)).toEqual([false, false, false, false, true]);
    expect(replies[0].error).toMatch(/not JSON/);
    expect(replies[1].error).toMatch(/version 9/);
    expect(replies[2].error).toMatch(/unknown command/);
    expect(seen.map((r) => r.cmd)).toEqual(['status']);
    expect(s.counters).toMatchObject({ ok: 1, error: 4 });
    expect(await controlCall(path, 'status')).toMatchObject({ state: 'up' });
  });

  it('refuses an oversized line (with or without a newline) and closes; nothing runs', async () => {
    const s = await start();
    for (const data of ['x'.repeat(LIMITS.maxLineBytes + 1), `{"v":1,"cmd":"drain","pad":"${'x'.repeat(100_000)}"}\n`]) {
      const raw = await rawExchange(path, data);
      expect(raw.closed).toBe(true);
      expect(JSON.parse(raw.lines[0])).toMatchObject({ v: 1, ok: false, error: expect.stringMatching(/exceeds 256 bytes/) });
    }
    expect(seen).toEqual([]);
    expect(s.counters.rejected).toBe(2);
    expect(await controlCall(path, 'status')).toMatchObject({ state: 'up' });
  });

  it('closes an idle client and turns away connections over the limit', async () => {
    await start();
    const idle = await rawExchange(path, '{"v":1,', 2000);
    expect(idle.closed).toBe(true);
    expect(idle.lines[0]).toMatch(/idle for 0.3 s/);
    const holders = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => new Promise<net.Socket>((ok) => {
      const c = net.connect(path, () => ok(c));
    })));
    try {
      const over = await rawExchange(path, '{"v":1,"cmd":"status"}\n');
      expect(over.lines[0]).toMatch(/too many control connections \(limit 3\)/);
    } finally {
      for (const h of holders) h.destroy();
    }
  });

  it('replaces a stale socket file left by a crash', async () => {
    // What a kill -9 leaves: a socket file with nobody behind it (Node removes the file only on a clean close).
    mkdirSync(join(dir, 'run'));
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout!.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(statSync(path).isSocket()).toBe(true);
    await start();
    expect(await controlCall(path, 'status')).toMatchObject({ state: 'up' });
  });

  it('refuses to start beside a live instance on the same path, with a clear error', async () => {
    await start();
    const second = startControlSocket(path, handler, silent, LIMITS);
    await expect(second).rejects.toThrow(`another anycastd is running on ${path}`);
    await expect(second).rejects.toBeInstanceOf(ControlSocketError);
    // The first one is untouched.
    expect(await controlCall(path, 'status')).toMatchObject({ state: 'up' });
  });

  it('refuses to replace a file that is not a socket', async () => {
    mkdirSync(join(dir, 'run'));
    writeFileSync(path, 'precious');
    await expect(start()).rejects.toThrow(/is not a socket; refusing to replace it/);
  });

  it('the client explains a missing socket', async () => {
    await expect(controlCall(path, 'status')).rejects.toThrow(/no control socket at .* \(is anycastd serve running/);
  });
});
