// Interoperability of server cookies with Knot DNS's mod-cookies (RFC 9018 since Knot 2.9): same secret, either
// server's cookie is valid at the other, as on a mixed anycast fleet. Needs knotd (REQUIRE_E2E=1 fails without it).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningServer, freePort, startServer } from '../support/server.js';
import { findKnotd } from '../knot-differential/servers.js';
import { Client, query, replyCookie, sleep } from './flood.js';

const SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CLIENT_COOKIE = Buffer.from('a1b2c3d4e5f60718', 'hex');
const BADCOOKIE = 23;
const knotd = findKnotd();

/** The full rcode: header bits plus the OPT's upper 8 bits. */
function rcode(reply: Buffer): number {
  const opt = reply.lastIndexOf(Buffer.from([0, 0, 41]));
  return (reply[3] & 0xf) | (opt > 0 ? reply[opt + 5] << 4 : 0);
}

async function startKnot(port: number): Promise<{ proc: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'anycastd-knot-cookies-'));
  for (const d of ['run', 'db', 'zones']) mkdirSync(join(dir, d));
  copyFileSync(join(REPO_ROOT, 'zones', 'example.test.zone'), join(dir, 'zones', 'example.test.zone'));
  writeFileSync(join(dir, 'knot.conf'), [
    'server:', `    rundir: "${dir}/run"`, `    listen: 127.0.0.1@${port}`, '    background-workers: 1', '    udp-workers: 1', '    tcp-workers: 1',
    'database:', `    storage: "${dir}/db"`,
    'log:', '  - target: stderr', '    any: notice',
    'mod-cookies:', '  - id: fleet', `    secret: 0x${SECRET}`,
    'template:', '  - id: default', `    storage: "${dir}/zones"`, '    file: "%s.zone"', '    global-module: mod-cookies/fleet',
    'zone:', '  - domain: example.test', '',
  ].join('\n'));
  const proc = spawn(knotd!, ['-c', join(dir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { proc, dir };
}

if (!knotd && process.env.REQUIRE_E2E === '1') {
  describe('cookies with Knot', () => it('has knotd (REQUIRE_E2E=1)', () => expect.fail('knotd is not installed')));
} else if (!knotd) {
  console.warn('skipping the Knot cookie interop test: knotd not installed (set REQUIRE_E2E=1 to fail instead)');
} else {
  describe('server cookies interoperate with Knot mod-cookies', () => {
    let anycastd: RunningServer;
    let knot: { proc: ChildProcess; dir: string };
    let knotPort: number;
    let http: number;
    let client: Client;
    beforeAll(async () => {
      knotPort = await freePort();
      knot = await startKnot(knotPort);
      http = await freePort();
      anycastd = await startServer({ args: ['--cookie-secret', SECRET, '--http', `127.0.0.1:${http}`, '--check-interval', '200'] });
      client = await Client.open('127.0.0.1', knotPort);
      for (let i = 0; i < 100; i++) {
        if (await client.ask(query(1, 'example.test'), 100)) break;
        await sleep(50);
      }
    }, 30_000);
    afterAll(async () => {
      client?.close();
      await anycastd?.stop();
      knot?.proc.kill('SIGTERM');
      await sleep(200);
      if (knot) rmSync(knot.dir, { recursive: true, force: true });
    });

    async function ask(port: number, cookie: Buffer): Promise<Buffer> {
      const c = await Client.open('127.0.0.1', port);
      const reply = await c.ask(query(2, 'api.example.test', cookie), 2000);
      c.close();
      expect(reply, `no reply from port ${port}`).not.toBeNull();
      return reply!;
    }

    async function validCount(): Promise<number> {
      await sleep(500);
      const text = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
      return Number(/^anycastd_cookies_total\{result="valid"\} (\d+)$/m.exec(text)?.[1]);
    }

    it('a cookie minted by Knot is valid at anycastd', async () => {
      // Knot 3.2 answers a first contact with BADCOOKIE and its server cookie.
      const fromKnot = replyCookie(await ask(knotPort, CLIENT_COOKIE))!;
      expect(fromKnot.length).toBe(24);
      expect(fromKnot[8]).toBe(1);
      const before = await validCount();
      const reply = await ask(anycastd.port, fromKnot);
      expect(rcode(reply)).toBe(0);
      expect(await validCount()).toBe(before + 1);
      // Control: the same cookie with one hash bit flipped is not.
      const bad = Buffer.from(fromKnot);
      bad[23] ^= 1;
      await ask(anycastd.port, bad);
      expect(await validCount()).toBe(before + 1);
    }, 20_000);

    it('a cookie minted by anycastd is valid at Knot', async () => {
      const fromUs = replyCookie(await ask(anycastd.port, CLIENT_COOKIE))!;
      expect(fromUs.length).toBe(24);
      expect(rcode(await ask(knotPort, fromUs))).toBe(0);
      const bad = Buffer.from(fromUs);
      bad[23] ^= 1;
      expect(rcode(await ask(knotPort, bad))).toBe(BADCOOKIE);
    }, 20_000);
  });
}
