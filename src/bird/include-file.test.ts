// Tests for the BIRD include file: the same names in every state, the de-preference, sanitising, atomic writes.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicWriteError, type AtomicWriteFs } from '../lib/atomic-write.js';
import {
  ANNOUNCE_STATES,
  IncludeSpecError,
  parseIncludeHeader,
  renderInclude,
  sanitizeReason,
  writeInclude,
  type IncludeSpec,
} from './include-file.js';
import { PrefixError } from './prefix.js';

const NOW = new Date('2025-01-02T03:04:05.000Z');
const base: IncludeSpec = {
  state: 'announce',
  prefixes: ['192.0.2.1/32', '2001:db8::1/128'],
  prependCount: 3,
  reason: 'healthy',
};

function names(text: string): string[] {
  return [...text.matchAll(/^(?:define (\w+)|protocol static (\w+)|function (\w+))/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('renderInclude', () => {
  it('defines the same names in every state', () => {
    const expected = [
      'ANYCASTD_ANNOUNCE',
      'ANYCASTD_DEPREFER',
      'ANYCASTD_PREPEND',
      'anycastd_v4',
      'anycastd_v6',
      'anycastd_is_route',
      'anycastd_export',
    ];
    for (const state of ANNOUNCE_STATES) expect(names(renderInclude({ ...base, state }, NOW))).toEqual(expected);
  });

  it('announce: routes in each family, no prepend', () => {
    const text = renderInclude(base, NOW);
    expect(text).toContain('protocol static anycastd_v4 {\n  ipv4;\n  route 192.0.2.1/32 blackhole;\n}');
    expect(text).toContain('protocol static anycastd_v6 {\n  ipv6;\n  route 2001:db8::1/128 blackhole;\n}');
    expect(text).toContain('define ANYCASTD_ANNOUNCE = 1;');
    expect(text).toContain('define ANYCASTD_PREPEND = 0;');
    expect(text).not.toContain('prepend(');
  });

  it('deprefer: N prepends of the local AS, plus MED and community when configured', () => {
    const text = renderInclude({ ...base, state: 'deprefer', med: 500, community: [65001, 666] }, NOW);
    expect(text.match(/bgp_path\.prepend\(anycastd_local_as\);/g)).toHaveLength(3);
    expect(text).toContain('define ANYCASTD_DEPREFER = 1;');
    expect(text).toContain('define ANYCASTD_PREPEND = 3;');
    expect(text).toContain('bgp_med = 500;');
    expect(text).toContain('bgp_community.add((65001, 666));');
    expect(text).toContain('route 192.0.2.1/32 blackhole;');
  });

  it('deprefer by MED alone: prependCount 0', () => {
    const text = renderInclude({ ...base, state: 'deprefer', prependCount: 0, med: 1000 }, NOW);
    expect(text).not.toContain('prepend(');
    expect(text).toContain('bgp_med = 1000;');
  });

  it('announce ignores MED and community (they only de-prefer)', () => {
    const text = renderInclude({ ...base, med: 500, community: [1, 2] }, NOW);
    expect(text).not.toContain('bgp_med');
    expect(text).not.toContain('bgp_community');
  });

  it('withdraw: empty static protocols, the function rejects, the prefixes stay in the header', () => {
    const text = renderInclude({ ...base, state: 'withdraw' }, NOW);
    expect(text).not.toContain('route ');
    expect(text).toContain('define ANYCASTD_ANNOUNCE = 0;');
    expect(text).toContain('if ANYCASTD_ANNOUNCE = 0 then return false;');
    expect(parseIncludeHeader(text)).toEqual({
      state: 'withdraw',
      reason: 'healthy',
      written: '2025-01-02T03:04:05.000Z',
      prefixes: ['192.0.2.1/32', '2001:db8::1/128'],
    });
  });

  it('handles a single family and no prefixes at all', () => {
    expect(renderInclude({ ...base, prefixes: ['192.0.2.1/32'] }, NOW)).toContain('protocol static anycastd_v6 {\n  ipv6;\n}');
    const none = renderInclude({ ...base, prefixes: [] }, NOW);
    expect(none).toContain('# prefixes: \n');
    expect(names(none)).toHaveLength(7);
  });

  it('sanitises the reason so it cannot leave its comment line', () => {
    const text = renderInclude({ ...base, reason: 'lag\n}\r\nprotocol static evil { ipv4; } /* x */ \u0000é' }, NOW);
    const reasonLine = text.split('\n').find((l) => l.startsWith('# reason:'))!;
    expect(reasonLine).toBe('# reason: lag } protocol static evil { ipv4; } -- x --');
    expect(text.match(/^protocol/gm)).toHaveLength(2);
    expect(sanitizeReason('')).toBe('-');
    expect(sanitizeReason('x'.repeat(500))).toHaveLength(200);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => renderInclude({ ...base, prefixes: ['192.0.2.1/24'] })).toThrow(PrefixError);
    expect(() => renderInclude({ ...base, prependCount: -1 })).toThrow(IncludeSpecError);
    expect(() => renderInclude({ ...base, prependCount: 1.5 })).toThrow(/prependCount/);
    expect(() => renderInclude({ ...base, prependCount: 17 })).toThrow(/0\.\.16/);
    expect(() => renderInclude({ ...base, med: -5 })).toThrow(/med/);
    expect(() => renderInclude({ ...base, community: [65536, 1] })).toThrow(/community/);
    expect(() => renderInclude({ ...base, state: 'up' as never })).toThrow(/state/);
  });
});

describe('writeInclude', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anycastd-inc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the file and leaves no temp file behind', async () => {
    const path = join(dir, 'bird-anycast.conf');
    const text = await writeInclude(path, base, { now: NOW });
    expect(readFileSync(path, 'utf8')).toBe(text);
    await writeInclude(path, { ...base, state: 'withdraw' });
    expect(readFileSync(path, 'utf8')).toContain('# state: withdraw');
    expect(readdirSync(dir)).toEqual(['bird-anycast.conf']);
  });

  it('reports a missing directory as a typed error', async () => {
    const err = await writeInclude(join(dir, 'nope', 'f.conf'), base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicWriteError);
    expect(err).toMatchObject({ kind: 'missing-dir', code: 'ENOENT', step: 'open' });
    expect((err as Error).message).toMatch(/directory does not exist/);
  });

  // Root ignores file modes, and tmpfs cannot be filled safely here: inject the errno instead.
  it.each([
    ['write', 'ENOSPC', 'no-space'],
    ['fsync', 'EIO', 'other'],
    ['rename', 'EACCES', 'permission'],
    ['open', 'EROFS', 'read-only'],
  ] as const)('%s failing with %s: old file kept, temp removed, kind %s', async (step, code, kind) => {
    const path = join(dir, 'bird-anycast.conf');
    writeFileSync(path, 'OLD');
    const boom = (): never => {
      throw Object.assign(new Error(`${code}: injected`), { code });
    };
    const fs: AtomicWriteFs = {
      open: (async (p: string, flags: string, mode?: number) => {
        if (step === 'open') boom();
        const fh = await open(p, flags, mode);
        if (step === 'write') fh.writeFile = boom as never;
        if (step === 'fsync') fh.sync = boom as never;
        return fh;
      }) as AtomicWriteFs['open'],
      rename: (async (a: string, b: string) => (step === 'rename' ? boom() : rename(a, b))) as AtomicWriteFs['rename'],
      unlink,
    };
    const err = await writeInclude(path, base, { fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicWriteError);
    expect(err).toMatchObject({ kind, code, step });
    expect(readFileSync(path, 'utf8')).toBe('OLD');
    expect(readdirSync(dir)).toEqual(['bird-anycast.conf']);
  });
});
