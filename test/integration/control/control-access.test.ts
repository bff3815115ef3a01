// A real `anycastd serve`: HTTP refuses state changes, the control socket (0660) drains and undrains, bad clients don't hurt it.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, HOST, REPO_ROOT, type RunningServer, freePort, startServer, udpExchange } from '../support/server.js';
import { buildQuery } from '../support/dns.js';
import { controlCall } from '../../../src/control/control-client.js';

interface Status {
  state: string;
  routing: string;
  draining: boolean;
  transitions: { from: string; to: string }[];
  controlSocket: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Raw bytes in, reply lines out, until the server closes or `ms` pass. */
function rawControl(path: string, data: string, ms = 1000): Promise<{ lines: string[]; closed: boolean }> {
  return new Promise((resolve) => {
    let got = '';
    let closed = false;
    const sock = net.connect(path, () => sock.write(data));
    const done = () => (clearTimeout(timer), sock.destroy(), resolve({ lines: got.split('\n').filter(Boolean), closed }));
    const timer = setTimeout(done, ms);
    sock.on('data', (d) => (got += String(d)));
    sock.on('close', () => ((closed = true), done()));
    // EPIPE while we still write a long line: the server has hung up on us.
    sock.on('error', () => ((closed = true), done()));
  });
}

describe('control access (real serve)', () => {
  let server: RunningServer;
  let http: string;
  let socket: string;
  const status = () => controlCall<Status>(socket, 'status');
  const waitFor = async (want: (s: Status) => boolean, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    let last: Status | null = null;
    while (Date.now() < deadline) {
      last = await status();
      if (want(last)) return last;
      await sleep(50);
    }
    throw new Error(`${what}: still ${JSON.stringify(last?.state)} after ${ms} ms`);
  };

  beforeAll(async () => {
    http = `${HOST}:${await freePort()}`;
    server = await startServer({ args: ['--http', http, '--check-interval', '100', '--rise', '2', '--fall', '2', '--hold-down', '0'] });
    socket = server.controlSocket;
    await waitFor((s) => s.state === 'up', 10_000, 'node up');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates the control socket 0660: not world-writable, not world-readable', () => {
    const st = statSync(socket);
    expect(st.isSocket()).toBe(true);
    expect((st.mode & 0o777).toString(8)).toBe('660');
  });

  it('refuses POST /drain (and /undrain, /reload) on HTTP with 405; the node stays up and announced', async () => {
    const before = await status();
    for (const path of ['/drain', '/undrain', '/reload']) {
      const res = await fetch(`http://${http}${path}`, { method: 'POST' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    await sleep(500); // five rounds
    const after = await status();
    expect(after).toMatchObject({ state: 'up', routing: 'announce', draining: false });
    expect(after.transitions).toEqual(before.transitions);
    expect((await fetch(`http://${http}/healthz`)).status).toBe(200);
  });

  it('`anycastd drain --control-socket S` withdraws and reports drained (exit 0); `undrain` brings it back', async () => {
    const drain = await cli(['drain', '--control-socket', socket, '--timeout', '10', '--max-qps', '1']);
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toMatch(/^withdrawn: draining \(withdraw\)/m);
    expect(drain.stdout).toMatch(/^drained: /m);
    expect((await status()).draining).toBe(true);
    expect((await fetch(`http://${http}/healthz`)).status).toBe(503);
    const undrain = await cli(['undrain', '--control-socket', socket]);
    expect(undrain.code, undrain.stderr).toBe(0);
    expect(undrain.stdout).toMatch(/^undrained: /);
    await waitFor((s) => s.state === 'up' && !s.draining, 5000, 'up after undrain');
  });

  it('`status` reads the socket by default and a node\'s HTTP with --http; `reload` works over the socket', async () => {
    const viaSocket = await cli(['status', '--control-socket', socket]);
    expect(viaSocket.code, viaSocket.stderr).toBe(0);
    expect(viaSocket.stdout).toMatch(/^state: up \(announce\)/);
    const viaHttp = await cli(['status', '--http', http, '--json']);
    expect(viaHttp.code, viaHttp.stderr).toBe(0);
    expect(JSON.parse(viaHttp.stdout)).toMatchObject({ state: 'up', controlSocket: socket });
    const reload = await cli(['reload', '--control-socket', socket]);
    expect(reload.code, reload.stderr).toBe(0);
    expect(reload.stdout).toMatch(/example\.test\./);
  });

  it('`drain --http` is not an option: state changes have no HTTP door', async () => {
    const r = await cli(['drain', '--http', http]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown option '--http'/);
    expect((await status()).draining).toBe(false);
  });

  it('answers malformed, oversized and debug input with errors and stays up', async () => {
    const bad = await rawControl(socket, 'drain\n{"v":2,"cmd":"drain"}\n{"v":1,"cmd":"debug-block","args":{"ms":5000}}\n', 500);
    const replies = bad.lines.map((l) => JSON.parse(l) as { ok: boolean; error: string });
    expect(replies.map((r) => r.ok)).toEqual([false, false, false]);
    expect(replies[2].error).toMatch(/--debug-endpoints/);
    const over = await rawControl(socket, `{"v":1,"cmd":"drain","x":"${'y'.repeat(5000)}"}\n`);
    expect(over.closed).toBe(true);
    expect(JSON.parse(over.lines[0]).error).toMatch(/exceeds 4096 bytes/);
    // A megabyte: cut off early (the client may see EPIPE before it reads the refusal).
    const big = await rawControl(socket, `{"v":1,"cmd":"drain","x":"${'y'.repeat(1 << 20)}"}\n`);
    expect(big.closed).toBe(true);
    const binary = await rawControl(socket, '\u0000\u0001\u00ff\ufffd\n', 300);
    expect(JSON.parse(binary.lines[0]).ok).toBe(false);
    expect(server.alive()).toBe(true);
    expect(await status()).toMatchObject({ state: 'up', draining: false });
    expect((await fetch(`http://${http}/drain`, { method: 'POST' })).status).toBe(405);
    await sleep(300); // the HTTP thread's counters reach /metrics with the next round
    const metrics = await (await fetch(`http://${http}/metrics`)).text();
    expect(metrics).toMatch(/anycastd_control_requests_total\{result="rejected"\} [1-9]/);
    expect(metrics).toMatch(/anycastd_http_refused_total\{reason="method"\} [1-9]/);
  });

  it('refuses a second instance on the same socket with a clear error, leaving the first untouched', async () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--listen', `${HOST}:${await freePort()}`, '--zones', '/nonexistent', '--control-socket', socket], { encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`another anycastd is running on ${socket}`);
    expect(statSync(socket).isSocket()).toBe(true);
    expect((await status()).state).toBe('up');
  });
});

// The README's `npm ci && npm start` as a normal user: no /run/anycastd to write, so no control socket, and still serving.
const asNobody = process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(CLI)})`]).status === 0;
describe.skipIf(!asNobody)('an unprivileged serve with the default control socket path', () => {
  it('warns that there is no control socket and serves anyway', async () => {
    const zones = mkdtempSync(join(tmpdir(), 'anycastd-nobody-'));
    chmodSync(zones, 0o755);
    copyFileSync(join(REPO_ROOT, 'zones', 'example.test.zone'), join(zones, 'example.test.zone'));
    const port = await freePort();
    const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'serve', '--listen', `${HOST}:${port}`, '--zones', zones], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      const soa = buildQuery({ id: 7, name: 'example.test', type: 'SOA' });
      let reply: Buffer | null = null;
      for (let i = 0; i < 100 && !reply; i++) reply = await udpExchange(port, soa, 200);
      expect(reply, out).not.toBeNull();
      expect(out).toMatch(/no control socket: cannot create control socket \/run\/anycastd\/control\.sock: [^"]*E(ACCES|PERM)/);
      expect(out).not.toMatch(/"level":(50|60)/);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(zones, { recursive: true, force: true });
    }
  });
});
