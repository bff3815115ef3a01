// The Debian package: builds with `npm run package:deb`, passes lintian, installs, runs, verifies, and removes cleanly.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TOOLS = ['dpkg-deb', 'dpkg', 'lintian', 'systemd-analyze'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const isRoot = process.getuid?.() === 0;
const why = missing.length > 0 ? `missing ${missing.join(', ')} (Debian packages: dpkg, lintian, systemd)` : !isRoot ? 'dpkg -i needs root' : '';
if (why && process.env.REQUIRE_E2E === '1') throw new Error(`REQUIRE_E2E=1 but the package test cannot run: ${why}`);
if (why) console.warn(`skipping the .deb test: ${why}`);

const run = (cmd: string, args: string[], timeout = 120_000): SpawnSyncReturns<string> => spawnSync(cmd, args, { encoding: 'utf8', timeout });
const out = (r: SpawnSyncReturns<string>) => `${r.stdout ?? ''}${r.stderr ?? ''}`;

describe.skipIf(why !== '')('anycastd .deb', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'anycastd-deb-'));
  const deb = join(outDir, `anycastd_${VERSION}_all.deb`);

  beforeAll(() => {
    run('dpkg', ['--purge', 'anycastd']); // a leftover from an interrupted run
    const built = run('bash', [join(REPO_ROOT, 'packaging/deb/build.sh'), outDir], 300_000);
    expect(built.status, out(built)).toBe(0);
  }, 320_000);
  afterAll(() => {
    run('dpkg', ['--purge', 'anycastd']);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('is named after package.json and holds the program, unit, conffile and examples', () => {
    expect(existsSync(deb)).toBe(true);
    const listing = out(run('dpkg-deb', ['--contents', deb]));
    for (const path of [
      './usr/bin/anycastd', './usr/lib/anycastd/dist/cli/main.js', './usr/lib/anycastd/node_modules/pino/package.json',
      './lib/systemd/system/anycastd.service', './usr/lib/sysusers.d/anycastd.conf', './usr/lib/tmpfiles.d/anycastd.conf',
      './etc/anycastd/anycastd.json', './usr/share/doc/anycastd/examples/zones/example.test.zone',
      './usr/share/doc/anycastd/examples/bird/bird.conf', './usr/share/man/man1/anycastd.1.gz',
    ]) expect(listing, path).toContain(path);
    // Only production dependencies: no test runner, compiler or bench tools.
    for (const dev of ['vitest', 'typescript', 'autocannon']) expect(listing).not.toContain(`node_modules/${dev}/`);
    expect(out(run('dpkg-deb', ['--info', deb]))).toMatch(/Depends: nodejs \(>= 20\)/);
    expect(out(run('sh', ['-c', `dpkg-deb --info ${deb} conffiles`]))).toContain('/etc/anycastd/anycastd.json');
  });

  it('passes lintian with only the explained overrides', () => {
    const lint = run('lintian', ['--fail-on', 'error,warning', deb], 300_000);
    expect(lint.status, out(lint)).toBe(0);
  }, 320_000);

  it('installs, answers --version and check, verifies its unit, and removes cleanly', () => {
    const install = run('dpkg', ['-i', deb]);
    expect(install.status, out(install)).toBe(0);
    const version = run('/usr/bin/anycastd', ['--version']);
    expect(version.stdout.trim()).toBe(VERSION);
    const check = run('/usr/bin/anycastd', ['check', '/usr/share/doc/anycastd/examples/zones/example.test.zone']);
    expect(check.status, out(check)).toBe(0);
    expect(check.stdout).toMatch(/^example\.test\. serial \d+/m);
    expect(run('id', ['-u', 'anycastd']).status, 'the service user exists').toBe(0);
    const verify = run('systemd-analyze', ['verify', '/lib/systemd/system/anycastd.service']);
    expect(verify.status, out(verify)).toBe(0);
    expect(out(verify)).not.toMatch(/anycastd\.service:\d+:/);

    const remove = run('dpkg', ['-r', 'anycastd']);
    expect(remove.status, out(remove)).toBe(0);
    expect(existsSync('/usr/bin/anycastd')).toBe(false);
    expect(existsSync('/usr/lib/anycastd')).toBe(false);
    // A conffile stays after remove (Debian policy) and goes with purge.
    expect(existsSync('/etc/anycastd/anycastd.json')).toBe(true);
    const purge = run('dpkg', ['--purge', 'anycastd']);
    expect(purge.status, out(purge)).toBe(0);
    expect(existsSync('/etc/anycastd/anycastd.json')).toBe(false);
  }, 120_000);
});
