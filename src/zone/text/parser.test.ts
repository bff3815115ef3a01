// Parser tests: entries, owner/TTL/class rules, directives, $INCLUDE and problem reporting.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameToText } from './name-text.js';
import { parseZoneFile, parseZoneText, type ParseOptions } from './parser.js';
import type { ZoneProblem, ZoneRecord } from '../records/record.js';

interface Out {
  recs: ZoneRecord[];
  problems: ZoneProblem[];
  rows: string[];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function collect(run: (onR: (r: ZoneRecord) => void, onP: (p: ZoneProblem) => void) => void): Out {
  const recs: ZoneRecord[] = [];
  const problems: ZoneProblem[] = [];
  run((r) => recs.push(r), (p) => problems.push(p));
  return { recs, problems, rows: recs.map((r) => `${nameToText(r.owner)} ${r.ttl} ${r.type} ${hex(r.rdata)} @${r.line}`) };
}

function text(zone: string, options: ParseOptions = { origin: 'example.' }): Out {
  return collect((r, p) => parseZoneText(zone, 'z.zone', options, r, p));
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'zone-parser-'));
  for (const [name, body] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
  }
  return dir;
}

describe('entries', () => {
  it('streams records in file order with owner, class, TTL, rdata, file and start line', () => {
    const o = text('$TTL 300\nwww A 192.0.2.1\n\n@ ( MX\n 10 mail )\n');
    expect(o.problems).toEqual([]);
    expect(o.rows).toEqual(['www.example. 300 1 c0000201 @2', 'example. 300 15 000a046d61696c076578616d706c6500 @4']);
    expect(o.recs[0]).toMatchObject({ klass: 1, file: 'z.zone' });
  });

  it('keeps owner case as written', () => {
    expect(hex(text('WwW A 192.0.2.1\n').recs[0].owner)).toBe('03577757076578616d706c6500');
  });

  it('inherits the owner on lines starting with a blank, re-using the same array', () => {
    const o = text('a A 192.0.2.1\n  AAAA ::1\n\tTXT "x"\n');
    expect(o.rows.map((r) => r.split(' ')[0])).toEqual(['a.example.', 'a.example.', 'a.example.']);
    expect(o.recs[1].owner).toBe(o.recs[0].owner);
    expect(o.recs[2].owner).toBe(o.recs[0].owner);
  });

  it('re-uses the owner array when the same name is written again', () => {
    const o = text('a A 192.0.2.1\na A 192.0.2.2\nb A 192.0.2.3\n');
    expect(o.recs[1].owner).toBe(o.recs[0].owner);
    expect(o.recs[2].owner).not.toBe(o.recs[0].owner);
  });

  it('accepts TTL and class in either order, both optional, CLASS1 and lower case', () => {
    const o = text('a 60 IN A 192.0.2.1\nb IN 61 A 192.0.2.1\nc in a 192.0.2.1\nd 1m A 192.0.2.1\ne CLASS1 A 192.0.2.1\n');
    expect(o.problems).toEqual([]);
    expect(o.recs.map((r) => r.ttl)).toEqual([60, 61, 61, 60, 60]);
  });

  it('rejects classes other than IN', () => {
    expect(text('a CH TXT "x"\n').problems[0].message).toBe('class CH is not supported in zone files');
    expect(text('a 60 HS A 192.0.2.1\n').problems[0].message).toBe('class HS is not supported in zone files');
    expect(text('a CLASS3 A 192.0.2.1\n').problems[0].message).toBe('class CLASS3 is not supported in zone files');
  });

  it('handles comments everywhere, CRLF, blank lines, a BOM and a missing final newline', () => {
    const o = text('\ufeff; head\r\n\r\na A 192.0.2.1 ; c\r\nb TXT ( "x" ; in parens\r\n "y" )\r\nc A 192.0.2.3');
    expect(o.problems).toEqual([]);
    expect(o.rows).toEqual(['a.example. 3600 1 c0000201 @3', 'b.example. 3600 16 01780179 @4', 'c.example. 3600 1 c0000203 @6']);
  });

  it('escapes in owner names', () => {
    expect(text('a\\.b\\032c A 192.0.2.1\n').rows[0]).toMatch(/^a\\\.b\\032c\.example\. /);
  });

  it('absolute owners ignore the origin, and "." is the root', () => {
    expect(text('x.test. A 192.0.2.1\n. NS a.root.\n').rows.map((r) => r.split(' ')[0])).toEqual(['x.test.', '.']);
  });
});

describe('TTL rules', () => {
  it('explicit TTL, then $TTL, then the last explicit TTL, then defaultTtl, then 3600', () => {
    expect(text('a 5 A 192.0.2.1\nb A 192.0.2.1\n').recs.map((r) => r.ttl)).toEqual([5, 5]);
    expect(text('$TTL 7\na 5 A 192.0.2.1\nb A 192.0.2.1\n').recs.map((r) => r.ttl)).toEqual([5, 7]);
    expect(text('a A 192.0.2.1\n', { origin: 'example.', defaultTtl: 42 }).recs[0].ttl).toBe(42);
    expect(text('a A 192.0.2.1\n').recs[0].ttl).toBe(3600);
  });

  it('$TTL takes units and may change mid-file', () => {
    expect(text('$TTL 1h30M\na A 192.0.2.1\n$ttl 1W\nb A 192.0.2.1\n').recs.map((r) => r.ttl)).toEqual([5400, 604800]);
  });

  it('accepts TTLs up to 2^32-1 unchanged like Knot, rejects larger', () => {
    expect(text('a 4294967295 A 192.0.2.1\n').recs[0].ttl).toBe(4294967295);
    expect(text('a 4294967296 A 192.0.2.1\n').problems[0].message).toMatch(/bad TTL "4294967296"/);
  });
});

describe('directives', () => {
  it('$ORIGIN, absolute and relative to the previous origin', () => {
    const o = text('$ORIGIN sub.example.\na A 192.0.2.1\n$ORIGIN deeper\nb A 192.0.2.1\n@ A 192.0.2.2\n');
    expect(o.rows.map((r) => r.split(' ')[0])).toEqual(['a.sub.example.', 'b.deeper.sub.example.', 'deeper.sub.example.']);
  });

  it('$ORIGIN without options.origin', () => {
    expect(text('$ORIGIN z.\na A 192.0.2.1\n', {}).rows[0]).toMatch(/^a\.z\. /);
  });

  it('relative name without any origin is a problem', () => {
    expect(text('a A 192.0.2.1\n', {}).problems[0].message).toMatch(/no \$ORIGIN is known/);
    expect(text('@ A 192.0.2.1\n', {}).problems[0].message).toMatch(/no \$ORIGIN is known/);
    expect(text('a.b. MX 1 mail\n', {}).problems[0].message).toMatch(/MX record: bad exchange: relative name "mail"/);
  });

  it('unknown directive and bad arguments', () => {
    expect(text('$GENERATE 1-2 a A 1.2.3.$\n').problems[0].message).toBe('unknown directive "$GENERATE"');
    expect(text('$TTL\n').problems[0].message).toBe('$TTL: missing TTL');
    expect(text('$ORIGIN a. b.\n').problems[0].message).toBe('$ORIGIN: unexpected extra data "b."');
    expect(text('$INCLUDE\n').problems[0].message).toBe('$INCLUDE: missing file name');
  });

  it('$INCLUDE relative to the including file, with optional origin that does not leak back', () => {
    const dir = tree({
      'main.zone': '$TTL 60\na A 192.0.2.1\n$INCLUDE sub/one.inc\n$INCLUDE sub/two.inc two.example.\nb A 192.0.2.2\n',
      'sub/one.inc': 'one A 192.0.2.3\n$INCLUDE three.inc\n',
      'sub/two.inc': '@ A 192.0.2.4\nx A 192.0.2.5\n',
      'sub/three.inc': 'three A 192.0.2.6\n',
    });
    const o = collect((r, p) => parseZoneFile(join(dir, 'main.zone'), { origin: 'example.' }, r, p));
    expect(o.problems).toEqual([]);
    expect(o.rows.map((r) => r.split(' ')[0])).toEqual(['a.example.', 'one.example.', 'three.example.', 'two.example.', 'x.two.example.', 'b.example.']);
    expect(o.recs.map((r) => r.ttl)).toEqual([60, 60, 60, 60, 60, 60]);
    expect(o.recs[1].file).toBe(join(dir, 'sub/one.inc'));
    expect(o.recs[2].line).toBe(1);
  });

  it('$INCLUDE loops and depth are problems, not stack overflows', () => {
    const dir = tree({ 'a.zone': '$INCLUDE b.zone\n', 'b.zone': 'x A 192.0.2.1\n$INCLUDE a.zone\n', 'self.zone': '$INCLUDE self.zone\n' });
    const o = collect((r, p) => parseZoneFile(join(dir, 'a.zone'), { origin: 'example.' }, r, p));
    expect(o.problems.map((p) => `${p.line} ${p.message}`)).toEqual(['2 $INCLUDE loop: a.zone -> b.zone -> a.zone']);
    expect(o.recs).toHaveLength(1);
    const s = collect((r, p) => parseZoneFile(join(dir, 'self.zone'), { origin: 'example.' }, r, p));
    expect(s.problems[0].message).toBe('$INCLUDE loop: self.zone includes itself');
    const chain = tree(Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`f${k}.zone`, `$INCLUDE f${k + 1}.zone\n`])));
    writeFileSync(join(chain, 'f12.zone'), 'x A 192.0.2.1\n');
    const d = collect((r, p) => parseZoneFile(join(chain, 'f0.zone'), { origin: 'example.' }, r, p));
    expect(d.problems.map((p) => p.message)).toEqual(['$INCLUDE nested deeper than 8 levels at "f9.zone"']);
    const ok = collect((r, p) => parseZoneFile(join(chain, 'f0.zone'), { origin: 'example.', maxIncludeDepth: 12 }, r, p));
    expect(ok.problems).toEqual([]);
    expect(ok.recs).toHaveLength(1);
  });

  it('$INCLUDE of a missing file, and a missing zone file', () => {
    const dir = tree({ 'm.zone': 'a A 192.0.2.1\n$INCLUDE nope.inc\nb A 192.0.2.2\n' });
    const o = collect((r, p) => parseZoneFile(join(dir, 'm.zone'), { origin: 'example.' }, r, p));
    expect(o.problems).toEqual([{ file: join(dir, 'm.zone'), line: 2, message: 'cannot read $INCLUDE file "nope.inc": ENOENT' }]);
    expect(o.recs).toHaveLength(2);
    const missing = collect((r, p) => parseZoneFile(join(dir, 'absent.zone'), {}, r, p));
    expect(missing.problems).toEqual([{ file: join(dir, 'absent.zone'), line: 0, message: 'cannot read zone file: ENOENT' }]);
  });

  it('a bad origin option is a line-0 problem', () => {
    expect(text('a A 192.0.2.1\n', { origin: 'a..b.' }).problems[0]).toMatchObject({ line: 0 });
  });
});

describe('problems', () => {
  it('reports every error of a file and keeps the good records', () => {
    const o = text('a A 1.2.3\nb A 192.0.2.1\nc AAA x\nd MX 10\ne TXT "open\nf A 192.0.2.2\n');
    expect(o.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: bad IPv4 address "1.2.3"',
      '3: unknown record type "AAA"',
      '4: MX record: missing exchange',
      '5: unterminated quoted string',
    ]);
    expect(o.rows.map((r) => r.split(' ')[0])).toEqual(['b.example.', 'f.example.']);
  });

  it('points at the line of the bad token inside parentheses; the record line is where it starts', () => {
    const o = text('@ SOA ns hm (\n 1\n 2\n bad\n 4 5 )\n@ SOA ns hm (\n 1 2 3 4 5 )\n');
    expect(o.problems.map((p) => p.line)).toEqual([4]);
    expect(o.recs[0].line).toBe(6);
  });

  it('never throws on junk input', () => {
    const junk = ['(', ')', '"', '\\', '$INCLUDE', '$ORIGIN', '@', '\\#', 'A', 'IN', '0', ';', '\n', ' ', '\t', 'TXT', '1.2.3.4', 'x.', '\\999', 'SVCB', 'alpn="', '\r'];
    let seed = 1;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 300; n++) {
      let z = '';
      for (let k = 0; k < 40; k++) z += junk[Math.floor(rand() * junk.length)] + (rand() < 0.5 ? ' ' : '');
      expect(() => parseZoneText(z, 'j.zone', { origin: 'example.' }, () => {}, () => {})).not.toThrow();
    }
  });
});
