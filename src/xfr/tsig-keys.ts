// TSIG key files in the format BIND's `tsig-keygen NAME` prints: key "NAME" { algorithm ALG; secret "B64"; };
// Several keys per file, #, // and /* */ comments; a syntax error names file:line.

import { readFileSync } from 'node:fs';
import { nameFromText } from '../zone/text/name-text.js';

export type TsigAlgorithm = 'hmac-md5' | 'hmac-sha1' | 'hmac-sha224' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

/** Algorithm -> node:crypto digest name. hmac-md5 is read (old configs) but its wire name differs. */
export const TSIG_DIGESTS: Record<TsigAlgorithm, string> = {
  'hmac-md5': 'md5', 'hmac-sha1': 'sha1', 'hmac-sha224': 'sha224', 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512',
};

/** The algorithm's name as it travels in the TSIG RR (RFC 8945 section 6). */
export function algorithmWireName(alg: TsigAlgorithm): string {
  return alg === 'hmac-md5' ? 'hmac-md5.sig-alg.reg.int.' : `${alg}.`;
}

export interface TsigKey {
  /** Absolute, lower case, with the trailing dot. */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

export class TsigKeyFileError extends Error {}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new TsigKeyFileError(`${file}:${line}: unterminated /* comment`);
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) throw new TsigKeyFileError(`${file}:${line}: unterminated string`);
      out.push({ text: text.slice(i + 1, end), line, quoted: true });
      i = end + 1;
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ text: c, line, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"#]/.test(text[j])) j++;
      out.push({ text: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return out;
}

function absoluteName(name: string): string {
  const abs = name.endsWith('.') ? name : `${name}.`;
  nameFromText(abs, null); // throws on a bad name
  return abs.toLowerCase();
}

export function parseTsigKeys(text: string, file = 'keys'): TsigKey[] {
  const tokens = tokenize(text, file);
  const keys: TsigKey[] = [];
  let i = 0;
  const lastLine = tokens.length ? tokens[tokens.length - 1].line : 1;
  const fail = (msg: string, t?: Token): never => {
    throw new TsigKeyFileError(`${file}:${t?.line ?? lastLine}: ${msg}`);
  };
  const next = (what: string): Token => tokens[i++] ?? fail(`unexpected end of file, expected ${what}`);
  const expect = (what: string) => {
    const t = next(`"${what}"`);
    if (t.quoted || t.text !== what) fail(`expected "${what}", got "${t.text}"`, t);
  };
  while (i < tokens.length) {
    const kw = next('key');
    if (kw.quoted || kw.text !== 'key') fail(`expected "key", got "${kw.text}"`, kw);
    const nameTok = next('a key name');
    let name: string;
    try {
      name = absoluteName(nameTok.text);
    } catch (err) {
      return fail(`bad key name "${nameTok.text}": ${(err as Error).message}`, nameTok);
    }
    expect('{');
    let algorithm: TsigAlgorithm | null = null;
    let secret: Buffer | null = null;
    for (;;) {
      const t = next('"algorithm", "secret" or "}"');
      if (t.text === '}' && !t.quoted) break;
      const value = next(`a value for ${t.text}`);
      if (t.text === 'algorithm') {
        const alg = value.text.toLowerCase().replace(/\.$/, '').replace(/\.sig-alg\.reg\.int$/, '');
        if (!(alg in TSIG_DIGESTS)) fail(`unknown TSIG algorithm "${value.text}" (hmac-sha1/224/256/384/512, hmac-md5)`, value);
        algorithm = alg as TsigAlgorithm;
      } else if (t.text === 'secret') {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value.text) || value.text.length % 4 !== 0) fail('secret is not valid base64', value);
        secret = Buffer.from(value.text, 'base64');
        if (secret.length === 0) fail('empty secret', value);
      } else {
        fail(`unknown key option "${t.text}"`, t);
      }
      expect(';');
    }
    expect(';');
    if (algorithm === null) fail(`key ${name} has no algorithm`, nameTok);
    if (secret === null) fail(`key ${name} has no secret`, nameTok);
    if (keys.some((k) => k.name === name)) fail(`key ${name} is defined twice`, nameTok);
    keys.push({ name, algorithm: algorithm!, secret: secret! });
  }
  return keys;
}

export function readTsigKeys(file: string): TsigKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TsigKeyFileError(`${file}: cannot read TSIG key file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseTsigKeys(text, file);
}

/** The same key in tsig-keygen format (tests write Knot's key for anycastd with it). */
export function formatTsigKey(key: TsigKey): string {
  return `key "${key.name.replace(/\.$/, '')}" {\n\talgorithm ${key.algorithm};\n\tsecret "${key.secret.toString('base64')}";\n};\n`;
}
