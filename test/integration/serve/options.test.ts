// serve's options through the real CLI: --help lists the whole table, a config file starts a server, a bad value stops the start.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVE_OPTIONS } from '../../../src/cli/serve-options.js';
import { CLI, REPO_ROOT, freePort, udpExchange } from '../support/server.js';
import { answerAddresses, buildQuery, rcodeOf } from '../support/dns.js';

const dir = mkdtempSync(join(tmpdir(), 'anycastd-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000 });

describe('serve options (built CLI)', () => {
  it('lists every option of the table in serve --help', () => {
    const r = run(['serve', '--help']);
    expect(r.status).toBe(0);
    for (const option of Object.values(SERVE_OPTIONS)) expect(r.stdout).toContain(option.flags);
  });

  it('refuses a bad config value before starting, naming the file and key', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ zones: dir, maxLagMs: 'soon' }));
    const r = run(['serve', '--config', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`config file ${path}: "maxLagMs" must be an integer >= 1, got "soon"`);
    const flag = run(['serve', '--zones', dir, '--prepend', '17']);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain('--prepend must be at most 16, got 17');
  });

  it('serves with the listen address and zones taken from a config file', async () => {
    const zones = join(dir, 'zones');
    mkdirSync(zones);
    copyFileSync(join(REPO_ROOT, 'zones/example.test.zone'), join(zones, 'example.test.zone'));
    const port = await freePort();
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify({ listen: [`127.0.0.1:${port}`], zones, nsid: 'cfg', zonesRescanMs: 60000, drainMs: 0, controlSocket: join(dir, 'control.sock') }));
    const proc = spawn(process.execPath, [CLI, 'serve', '--config', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    try {
      let reply: Buffer | null = null;
      for (let i = 0; i < 100 && !reply; i++) {
        reply = await udpExchange(port, buildQuery({ id: i, name: 'www.example.test', type: 'A' }), 100);
      }
      expect(reply, log).not.toBeNull();
      expect(rcodeOf(reply!)).toBe(0);
      expect(answerAddresses(reply!)).toContain('192.0.2.10');
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  }, 30_000);
});
