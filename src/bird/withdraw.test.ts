// Tests for `anycastd withdraw`: writes the withdrawn file with or without BIRD, keeps the prefixes, exit codes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BirdError, type ConfigureResult, type Reloader } from './control-socket.js';
import { parseIncludeHeader, renderInclude } from './include-file.js';
import { runWithdraw } from './withdraw.js';

let dir: string;
let include: string;
let lines: string[];
const log = (l: string): void => void lines.push(l);
const okClient = (): Reloader & { calls: number } => {
  const c = {
    calls: 0,
    configure: async (): Promise<ConfigureResult> => {
      c.calls++;
      return { code: 3, message: 'Reconfigured', reply: { code: 3, message: 'Reconfigured', lines: [] } };
    },
  };
  return c;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anycastd-wd-'));
  include = join(dir, 'bird-anycast.conf');
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runWithdraw', () => {
  it('keeps the prefixes of the existing file and reloads', async () => {
    writeFileSync(include, renderInclude({ state: 'announce', prefixes: ['192.0.2.1/32', '2001:db8::1/128'], prependCount: 2, reason: 'up' }));
    const client = okClient();
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', client, log })).toBe(0);
    const text = readFileSync(include, 'utf8');
    expect(parseIncludeHeader(text)).toMatchObject({ state: 'withdraw', reason: 'anycastd withdraw', prefixes: ['192.0.2.1/32', '2001:db8::1/128'] });
    expect(text).not.toContain('route ');
    expect(client.calls).toBe(1);
    expect(lines.join('\n')).toMatch(/BIRD reloaded \(3 Reconfigured\)/);
  });

  it('--anycast replaces the prefixes', async () => {
    writeFileSync(include, renderInclude({ state: 'announce', prefixes: ['192.0.2.1/32'], prependCount: 0, reason: 'up' }));
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', anycast: ['198.51.100.7/32'], client: okClient(), log })).toBe(0);
    expect(parseIncludeHeader(readFileSync(include, 'utf8')).prefixes).toEqual(['198.51.100.7/32']);
  });

  it('with BIRD down: writes the file, reports the failed reload, exits 0', async () => {
    const t0 = performance.now();
    const code = await runWithdraw({ birdInclude: include, birdSocket: join(dir, 'no-bird.ctl'), log, attempts: 2 });
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(readFileSync(include, 'utf8')).toContain('define ANYCASTD_ANNOUNCE = 0;');
    expect(lines.join('\n')).toMatch(/reload failed after 2 attempt\(s\) \[absent\].*BIRD will read it/);
  });

  it('a missing or garbled old file still yields a valid withdrawn file', async () => {
    writeFileSync(include, '# prefixes: 192.0.2.1/32 not-a-prefix 10.0.0.1/8\ngarbage');
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', client: okClient(), log })).toBe(0);
    expect(parseIncludeHeader(readFileSync(include, 'utf8')).prefixes).toEqual(['192.0.2.1/32']);
    rmSync(include);
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', client: okClient(), log })).toBe(0);
    expect(readFileSync(include, 'utf8')).toContain('protocol static anycastd_v4');
  });

  it('exit 1 when the file cannot be written', async () => {
    const code = await runWithdraw({ birdInclude: join(dir, 'gone', 'x.conf'), birdSocket: '/unused', client: okClient(), log });
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/directory does not exist/);
  });

  it('exit 2 on an invalid --anycast, and the file is left alone', async () => {
    writeFileSync(include, 'OLD');
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', anycast: ['192.0.2.1/33'], client: okClient(), log })).toBe(2);
    expect(readFileSync(include, 'utf8')).toBe('OLD');
  });

  it('a refused config is reported but the exit code stays 0 (the file is in place)', async () => {
    const client: Reloader = {
      configure: async () => {
        throw new BirdError('refused-config', 'BIRD rejected the configuration: 8002 /etc/bird/bird.conf:3:1 oops', 8002);
      },
    };
    expect(await runWithdraw({ birdInclude: include, birdSocket: '/unused', client, log })).toBe(0);
    expect(lines.join('\n')).toMatch(/after 1 attempt\(s\) \[refused-config\].*8002/);
  });
});
