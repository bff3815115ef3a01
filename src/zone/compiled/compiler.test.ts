// Tests for the zone compiler: semantic checks with file:line, merging, and the compiled structure.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileZoneText, loadZoneFile } from '../loading/load.js';
import { ZoneCompiler } from './compiler.js';
import { allocateShared } from './growable.js';
import { parseZoneText } from '../text/parser.js';
import {
  type CompiledZone, NODE_STRIDE, N_CUT, N_FLAGS, N_WILDCARD, F_APEX, F_DELEGATION, F_DNAME,
  RRSET_STRIDE, R_COUNT, R_TTL, R_TARGETS, findNode, findRRset,
} from './compiled.js';
import { NameKey } from '../../wire/name-key.js';
import { nameFromText } from '../text/name-text.js';

const semanticDir = new URL('../testdata/semantic/', import.meta.url).pathname;

const HEAD = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 2026010101 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
`;

function compile(body: string): CompiledZone {
  const r = compileZoneText(HEAD + body, 'example.test.');
  expect(r.errors).toEqual([]);
  return r.zone!;
}

function node(zone: CompiledZone, name: string): number {
  const key = new NameKey();
  key.setFrom(nameFromText(name, null), 0);
  return findNode(zone, key.hashes[0], key.bytes, 0, key.len);
}

describe('semantic checks on broken zones', () => {
  const files = readdirSync(semanticDir).filter((f) => f.endsWith('.zone'));
  it('has a corpus', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(file, () => {
      const path = join(semanticDir, file);
      const head = readFileSync(path, 'utf8').split('\n')[0];
      const m = /expect-line: (\d+) expect: (.+)$/.exec(head)!;
      const result = loadZoneFile(path);
      expect(result.zone).toBeNull();
      expect(result.errors).toContainEqual(expect.objectContaining({ line: Number(m[1]), message: expect.stringContaining(m[2]) }));
      for (const e of result.errors) expect(e.file).toBe(path);
    });
  }
});

describe('compiled zone', () => {
  it('merges duplicate records and keeps the first TTL of an RRset with a warning', () => {
    const r = compileZoneText(HEAD + 'a 300 A 192.0.2.7\na 300 A 192.0.2.7\na 600 A 192.0.2.8\n', 'example.test.');
    const zone = r.zone!;
    const rrset = findRRset(zone, node(zone, 'a.example.test.'), 1);
    expect(zone.rrsets[rrset * RRSET_STRIDE + R_COUNT]).toBe(2);
    expect(zone.rrsets[rrset * RRSET_STRIDE + R_TTL]).toBe(300);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ line: 8, message: expect.stringContaining('RFC 2181') });
    expect(zone.meta.records).toBe(5);
  });

  it('reads serial and the negative TTL = min(SOA TTL, MINIMUM)', () => {
    const zone = compile('');
    expect(zone.meta.serial).toBe(2026010101);
    expect(zone.negativeTtl).toBe(60);
    expect(zone.meta.origin).toBe('example.test.');
  });

  it('creates empty non-terminals and links wildcards to their parent', () => {
    const zone = compile('a.b.c A 192.0.2.3\n*.w A 192.0.2.4\n');
    const ent = node(zone, 'b.c.example.test.');
    expect(ent).toBeGreaterThanOrEqual(0);
    expect(zone.nodes[ent * NODE_STRIDE + 4]).toBe(0); // no RRsets
    expect(node(zone, 'c.example.test.')).toBeGreaterThanOrEqual(0);
    const w = node(zone, 'w.example.test.');
    expect(zone.nodes[w * NODE_STRIDE + N_WILDCARD]).toBe(node(zone, '*.w.example.test.'));
    expect(zone.nodes[0 * NODE_STRIDE + N_FLAGS] & F_APEX).toBe(F_APEX);
  });

  it('marks delegations and points everything below at the topmost cut', () => {
    const zone = compile('sub NS ns.sub\nns.sub A 192.0.2.9\ndeep.sub NS ns.deep.sub\nns.deep.sub A 192.0.2.10\nd DNAME example.net.\n');
    const sub = node(zone, 'sub.example.test.');
    expect(zone.nodes[sub * NODE_STRIDE + N_FLAGS] & F_DELEGATION).toBe(F_DELEGATION);
    expect(zone.nodes[sub * NODE_STRIDE + N_CUT]).toBe(-1);
    expect(zone.nodes[node(zone, 'ns.deep.sub.example.test.') * NODE_STRIDE + N_CUT]).toBe(sub);
    expect(zone.nodes[node(zone, 'deep.sub.example.test.') * NODE_STRIDE + N_CUT]).toBe(sub);
    expect(zone.nodes[node(zone, 'd.example.test.') * NODE_STRIDE + N_FLAGS] & F_DNAME).toBe(F_DNAME);
  });

  it('precomputes additional-section targets for NS, MX and SRV, case-insensitively', () => {
    const zone = compile('@ MX 10 MAIL\nmail A 192.0.2.25\n_s._tcp SRV 0 0 1 nowhere.example.net.\n');
    const mx = findRRset(zone, 0, 15);
    expect(zone.targets[zone.rrsets[mx * RRSET_STRIDE + R_TARGETS]]).toBe(node(zone, 'mail.example.test.'));
    const srv = findRRset(zone, node(zone, '_s._tcp.example.test.'), 33);
    expect(zone.targets[zone.rrsets[srv * RRSET_STRIDE + R_TARGETS]]).toBe(-1);
  });

  it('reports a parse error and a semantic error from the same file together', () => {
    const r = compileZoneText(HEAD + 'bad A 1.2.3\nwww CNAME ns1\nwww TXT "x"\n', 'example.test.');
    expect(r.zone).toBeNull();
    expect(r.errors.map((e) => e.line).sort()).toEqual([6, 7]);
  });
});

describe('compiler storage', () => {
  /** A zone of `n` names with every shape the compiler handles: glue, targets, CNAMEs, wildcards, several records per name. */
  function bigZone(n: number): string {
    let text = HEAD;
    for (let i = 0; i < n; i++) {
      text += `h${i}.s${i % 7} A 192.0.2.${i % 250}\n`;
      if (i % 3 === 0) text += `  AAAA 2001:db8::${i.toString(16)}\n`;
      if (i % 11 === 0) text += `m${i} MX 10 h${i}.s${i % 7}\n`;
      if (i % 13 === 0) text += `c${i} CNAME h${i}.s${i % 7}\n`;
      if (i % 17 === 0) text += `d${i} NS ns.d${i}\nns.d${i} A 192.0.2.1\n*.w${i} TXT "x${i}"\n`;
    }
    return text;
  }

  function arrays(zone: CompiledZone): Record<string, number[]> {
    return {
      names: [...zone.names], nodes: [...zone.nodes], hashTable: [...zone.hashTable],
      rrsets: [...zone.rrsets], rdata: [...zone.rdata], targets: [...zone.targets],
    };
  }

  it('builds the same zone whether its scratch was sized right, too small (grown) or in shared memory', () => {
    const text = bigZone(3000);
    const grown = compileZoneText(text, 'example.test.');
    expect(grown.errors).toEqual([]);
    const origin = nameFromText('example.test.', null);
    const sized = new ZoneCompiler(origin, 'zone', { records: text.split('\n').length, bytes: text.length });
    parseZoneText(text, 'zone', { origin: 'example.test.' }, (r) => sized.add(r), (p) => sized.addError(p));
    const exact = sized.finish();
    expect(arrays(exact.zone!)).toEqual(arrays(grown.zone!));
    allocateShared(true);
    try {
      const shared = compileZoneText(text, 'example.test.').zone!;
      expect(shared.rdata.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(shared.nodes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(arrays(shared)).toEqual(arrays(grown.zone!));
    } finally {
      allocateShared(false);
    }
    expect(grown.zone!.meta.records).toBe(exact.zone!.meta.records);
  });

  it('links a name to a parent it creates just as the node arrays grow', () => {
    // Node capacity 1024: the apex, ns1 and 1021 names fill 1023 slots, x.ent takes the last one and ent makes them grow.
    let text = HEAD;
    for (let i = 0; i < 1021; i++) text += `n${i} A 192.0.2.1\n`;
    text += 'x.ent A 192.0.2.2\n';
    const compiler = new ZoneCompiler(nameFromText('example.test.', null), 'zone', { records: 0, bytes: 0 });
    parseZoneText(text, 'zone', { origin: 'example.test.' }, (r) => compiler.add(r), (p) => compiler.addError(p));
    const r = compiler.finish();
    expect(r.errors).toEqual([]);
    const ent = node(r.zone!, 'ent.example.test.');
    expect(ent).toBeGreaterThan(0);
    expect(r.zone!.nodes[ent * NODE_STRIDE + 4]).toBe(0); // an empty non-terminal
    expect(node(r.zone!, 'x.ent.example.test.')).toBe(ent - 1);
  });

  it('names the right file for a problem before, inside and after an $INCLUDE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compiler-include-'));
    try {
      const main = join(dir, 'example.test.zone');
      const inc = join(dir, 'inc.zone');
      writeFileSync(inc, 'b 300 A 192.0.2.2\nb 600 A 192.0.2.3\n');
      writeFileSync(main, HEAD + 'a 300 A 192.0.2.4\na 600 A 192.0.2.5\n$INCLUDE inc.zone\nc 300 A 192.0.2.6\nc 600 A 192.0.2.7\n');
      const r = loadZoneFile(main);
      expect(r.errors).toEqual([]);
      expect(r.warnings.map((w) => [w.file, w.line])).toEqual([[main, 7], [inc, 2], [main, 10]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
