// Tests for the announcer: write then reload, counters by failure kind, serialisation and coalescing, never throwing.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BirdAnnouncer } from './announcer.js';
import { BirdError, type ConfigureResult, type Reloader } from './control-socket.js';
import type { IncludeSpec } from './include-file.js';

const spec = (state: IncludeSpec['state'], reason: string = state): IncludeSpec => ({
  state,
  prefixes: ['192.0.2.1/32', '2001:db8::1/128'],
  prependCount: 2,
  reason,
});

const ok = (code = 3): ConfigureResult => ({ code, message: 'Reconfigured', reply: { code, message: 'Reconfigured', lines: [] } });

/** A BIRD stand-in whose configure() answers from a queue of outcomes (default: success). */
function fakeClient(outcomes: Array<ConfigureResult | BirdError | Promise<ConfigureResult>> = []): Reloader & { calls: number } {
  const c = {
    calls: 0,
    configure: async (): Promise<ConfigureResult> => {
      c.calls++;
      const next = outcomes.shift() ?? ok();
      if (next instanceof BirdError) throw next;
      return next;
    },
  };
  return c;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anycastd-ann-'));
  path = join(dir, 'bird-anycast.conf');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fast = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 };

describe('BirdAnnouncer', () => {
  it('writes the include file, then reloads, and counts both', async () => {
    const client = fakeClient();
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client, now: () => 1000 });
    const r = await a.apply(spec('announce'));
    expect(r).toMatchObject({ written: true, reloaded: true, code: 3, attempts: 1 });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(readFileSync(path, 'utf8')).toContain('route 192.0.2.1/32 blackhole;');
    expect(a.status()).toMatchObject({
      writes: 1,
      writeFailures: 0,
      reloads: 1,
      reloadAttempts: 1,
      lastSuccessAt: 1000,
      lastError: null,
      written: { state: 'announce', reason: 'announce', at: 1000 },
      busy: false,
    });
  });

  it('a write failure leaves the old file, skips the reload and is counted', async () => {
    const client = fakeClient();
    const a = new BirdAnnouncer({ includePath: join(dir, 'missing', 'f.conf'), socketPath: '/unused', client });
    const r = await a.apply(spec('withdraw'));
    expect(r).toMatchObject({ written: false, reloaded: false, errorKind: 'missing-dir' });
    expect(r.error).toMatch(/directory does not exist/);
    expect(client.calls).toBe(0);
    expect(a.status()).toMatchObject({ writes: 0, writeFailures: 1, lastError: { kind: 'missing-dir' } });
  });

  it('invalid input is reported, not thrown', async () => {
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client: fakeClient() });
    const r = await a.apply({ ...spec('announce'), prefixes: ['192.0.2.1/24'] });
    expect(r).toMatchObject({ written: false, reloaded: false, errorKind: 'invalid' });
    expect(r.error).toMatch(/bits set beyond/);
  });

  it.each(['timeout', 'absent', 'refused-config', 'other'] as const)('counts a %s reload failure by kind', async (kind) => {
    const client = fakeClient([new BirdError(kind, `boom ${kind}`, kind === 'refused-config' ? 8002 : undefined)]);
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client, retry: { ...fast, maxAttempts: 1 } });
    const r = await a.apply(spec('deprefer'));
    expect(r).toMatchObject({ written: true, reloaded: false, errorKind: kind, error: `boom ${kind}` });
    const s = a.status();
    expect(s.reloadFailures[kind]).toBe(1);
    expect(Object.values(s.reloadFailures).reduce((x, y) => x + y)).toBe(1);
    expect(s.lastError).toMatchObject({ kind, message: `boom ${kind}` });
    expect(s.lastReload).toMatchObject({ ok: false, attempts: 1 });
  });

  it('retries transient failures and reports the attempts', async () => {
    const client = fakeClient([new BirdError('timeout', 't'), new BirdError('absent', 'a'), ok(19)]);
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client, retry: fast });
    expect(await a.apply(spec('announce'))).toMatchObject({ reloaded: true, code: 19, attempts: 3 });
    expect(a.status()).toMatchObject({ reloads: 1, reloadAttempts: 3 });
  });

  it('serialises: one write+reload at a time, and only the newest waiting state is applied next', async () => {
    const first = deferred<ConfigureResult>();
    const client = fakeClient([first.promise]);
    const written: string[] = [];
    const a = new BirdAnnouncer({
      includePath: path,
      socketPath: '/unused',
      client,
      write: async (_p, s) => void written.push(s.reason),
    });
    const r1 = a.apply(spec('announce', 'one'));
    await new Promise((r) => setTimeout(r, 10));
    expect(a.status().busy).toBe(true);
    const r2 = a.apply(spec('deprefer', 'two'));
    const r3 = a.apply(spec('withdraw', 'three'));
    expect(await r2).toMatchObject({ superseded: true, written: false, reloaded: false });
    first.resolve(ok());
    expect(await r1).toMatchObject({ written: true, reloaded: true });
    expect(await r3).toMatchObject({ written: true, reloaded: true });
    expect(written).toEqual(['one', 'three']);
    expect(client.calls).toBe(2);
    expect(a.status()).toMatchObject({ busy: false, written: { state: 'withdraw', reason: 'three' } });
  });

  it('a newer state cuts short the retries of an older one', async () => {
    const client = fakeClient([new BirdError('absent', 'gone'), new BirdError('absent', 'gone')]);
    const a = new BirdAnnouncer({
      includePath: path,
      socketPath: '/unused',
      client,
      retry: { baseDelayMs: 60_000, maxAttempts: 5 },
    });
    const t0 = performance.now();
    // Each new state arrives once the previous one has made its first (failing) attempt and sits
    // in its 60 s backoff; waiting on the call count, not a fixed sleep, keeps this exact under load.
    const attempted = async (n: number) => {
      while (client.calls < n) await new Promise((r) => setTimeout(r, 2));
    };
    const r1 = a.apply(spec('announce'));
    await attempted(1);
    const r2 = a.apply(spec('withdraw'));
    expect(await r1).toMatchObject({ written: true, reloaded: false, errorKind: 'absent', attempts: 1 });
    // r2's first attempt fails too and waits 60 s: cut it short with a third state.
    await attempted(2);
    const r3 = a.apply(spec('announce', 'again'));
    expect(await r2).toMatchObject({ reloaded: false, attempts: 1 });
    expect(await r3).toMatchObject({ reloaded: true });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(readFileSync(path, 'utf8')).toContain('# reason: again');
  });

  it('never rejects, even when the client throws something odd', async () => {
    const client: Reloader = {
      configure: () => {
        throw 'not an error object';
      },
    };
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client, retry: { ...fast, maxAttempts: 1 } });
    expect(await a.apply(spec('announce'))).toMatchObject({ written: true, reloaded: false, errorKind: 'other' });
    expect(a.status().reloadFailures.other).toBe(1);
  });

  it('status() returns a copy', async () => {
    const a = new BirdAnnouncer({ includePath: path, socketPath: '/unused', client: fakeClient() });
    const s = a.status();
    s.reloadFailures.timeout = 99;
    expect(a.status().reloadFailures.timeout).toBe(0);
  });
});
