// Each file in testdata/broken has one mistake; its first line says where and what the problem is.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseZoneFile } from './parser.js';
import type { ZoneProblem } from '../records/record.js';

const DIR = fileURLToPath(new URL('../testdata/broken', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.zone'));

interface Expectation {
  line: number;
  message: string;
  maxIncludeDepth?: number;
  inFile?: string;
}

/** Header: "; expect-line: N expect: TEXT [max-include-depth: N] [in-file: NAME]". */
function expectation(file: string): Expectation {
  const first = readFileSync(join(DIR, file), 'utf8').split('\n')[0];
  const m = /^; expect-line: (\d+) expect: (.*?)(?: max-include-depth: (\d+))?(?: in-file: (\S+))?$/.exec(first);
  if (m === null) throw new Error(`${file}: bad header "${first}"`);
  return { line: Number(m[1]), message: m[2], maxIncludeDepth: m[3] === undefined ? undefined : Number(m[3]), inFile: m[4] };
}

describe('broken zone files', () => {
  it('has at least 25 of them', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(FILES)('%s', (file) => {
    const want = expectation(file);
    const problems: ZoneProblem[] = [];
    expect(() =>
      parseZoneFile(join(DIR, file), { maxIncludeDepth: want.maxIncludeDepth }, () => {}, (p) => problems.push(p)),
    ).not.toThrow();
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p.message).toContain(want.message);
    expect(p.line).toBe(want.line);
    expect(basename(p.file)).toBe(want.inFile ?? file);
  });
});
