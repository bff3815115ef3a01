// Text -> wire rdata for SVCB and HTTPS (RFC 9460); dns-packet has no codec for them.

import { decodeBase64 } from './encoding.js';
import { parseIpv4, parseIpv6 } from './ip.js';
import type { RdataReader } from './reader.js';

const KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint'];

function keyNumber(name: string): number {
  const k = KEYS.indexOf(name.toLowerCase());
  if (k >= 0) return k;
  const m = /^key([0-9]{1,5})$/i.exec(name);
  if (m === null) return -1;
  const n = Number(m[1]);
  return n < 65535 ? n : -1;
}

/** Decodes char-string escapes and drops the quotes of a key="value" token. */
function unescape(s: string): Buffer {
  const out: number[] = [];
  for (let k = 0; k < s.length; k++) {
    let c = s.charCodeAt(k);
    if (c === 0x22) continue;
    if (c === 0x5c) {
      const d = s.slice(k + 1, k + 4);
      if (/^[0-9]{3}$/.test(d)) {
        c = Number(d);
        if (c > 255) throw new Error(`\\DDD escape above 255`);
        k += 3;
      } else {
        c = s.charCodeAt(++k);
      }
    }
    out.push(c);
  }
  return Buffer.from(out);
}

/** RFC 9460 A.1 value-list: items split on commas, "\," and "\\" escaping a comma or backslash. */
function valueList(v: Buffer): Buffer[] {
  const items: Buffer[] = [];
  let cur: number[] = [];
  for (let k = 0; k < v.length; k++) {
    const c = v[k];
    if (c === 0x5c && k + 1 < v.length) {
      cur.push(v[++k]);
    } else if (c === 0x2c) {
      items.push(Buffer.from(cur));
      cur = [];
    } else {
      cur.push(c);
    }
  }
  items.push(Buffer.from(cur));
  return items;
}

function encodeValue(key: number, v: Buffer | null, r: RdataReader, i: number): Buffer {
  const bad = (why: string): never => r.fail(`${r.typeName} record: bad SvcParam "${r.lx.text(i)}": ${why}`, i);
  if (key === 2) {
    if (v !== null && v.length > 0) bad('no-default-alpn takes no value');
    return Buffer.alloc(0);
  }
  if (key > 6) return v ?? Buffer.alloc(0);
  if (v === null || v.length === 0) return bad('missing value');
  const text = v.toString('latin1');
  switch (key) {
    case 0: {
      const keys = text.split(',').map(keyNumber);
      if (keys.some((k) => k < 0)) bad('unknown key in mandatory list');
      if (keys.includes(0)) bad('mandatory may not list itself');
      keys.sort((a, b) => a - b);
      if (keys.some((k, n) => n > 0 && keys[n - 1] === k)) bad('duplicate key in mandatory list');
      const out = Buffer.alloc(keys.length * 2);
      keys.forEach((k, n) => out.writeUInt16BE(k, n * 2));
      return out;
    }
    case 1: {
      const ids = valueList(v);
      if (ids.some((id) => id.length === 0 || id.length > 255)) bad('empty or too long ALPN id');
      return Buffer.concat(ids.flatMap((id) => [Buffer.from([id.length]), id]));
    }
    case 3: {
      if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) bad('port must be 0..65535');
      const out = Buffer.alloc(2);
      out.writeUInt16BE(Number(text));
      return out;
    }
    case 4:
    case 6: {
      const addrs = text.split(',');
      const size = key === 4 ? 4 : 16;
      const out = Buffer.alloc(addrs.length * size);
      addrs.forEach((a, n) => {
        const b = Buffer.from(a, 'latin1');
        const ok = key === 4 ? parseIpv4(b, 0, b.length, out, n * size) : parseIpv6(b, 0, b.length, out, n * size);
        if (!ok) bad(`bad ${key === 4 ? 'IPv4' : 'IPv6'} address "${a}"`);
      });
      return out;
    }
    case 5: {
      const b = decodeBase64(text);
      if (b === null || b.length === 0) return bad('ech must be base64');
      return Buffer.from(b);
    }
    default:
      return v;
  }
}

export function encodeSvcb(r: RdataReader): void {
  r.u16('priority');
  r.name('target name');
  const params = new Map<number, Buffer>();
  let mandatory: Buffer | undefined;
  while (r.more()) {
    const i = r.i++;
    const tok = r.lx.text(i);
    const eq = tok.indexOf('=');
    const keyText = eq < 0 ? tok : tok.slice(0, eq);
    const key = keyNumber(keyText);
    if (key < 0) r.fail(`${r.typeName} record: unknown SvcParamKey "${keyText}"`, i);
    if (params.has(key)) r.fail(`${r.typeName} record: duplicate SvcParamKey "${keyText}"`, i);
    let value: Buffer | null = null;
    try {
      value = eq < 0 ? null : unescape(tok.slice(eq + 1));
    } catch (e) {
      r.fail(`${r.typeName} record: bad SvcParam "${tok}": ${(e as Error).message}`, i);
    }
    // keyNNNNN is the generic form: its value is opaque even for a known key (Knot does the same).
    const generic = /^key/i.test(keyText);
    const wire = generic ? (value ?? Buffer.alloc(0)) : encodeValue(key, value, r, i);
    if (wire.length > 65535) r.fail(`${r.typeName} record: SvcParam "${keyText}" too long`, i);
    params.set(key, wire);
    if (key === 0) mandatory = wire;
  }
  if (mandatory !== undefined) {
    for (let k = 0; k < mandatory.length; k += 2) {
      const key = mandatory.readUInt16BE(k);
      if (!params.has(key)) r.fail(`${r.typeName} record: mandatory key ${KEYS[key] ?? `key${key}`} is missing`, r.lx.count - 1);
    }
  }
  // Wire format requires strictly increasing keys, whatever the text order.
  for (const key of [...params.keys()].sort((a, b) => a - b)) {
    const v = params.get(key) as Buffer;
    r.room(4 + v.length);
    r.out[r.off++] = key >>> 8;
    r.out[r.off++] = key & 0xff;
    r.out[r.off++] = v.length >>> 8;
    r.out[r.off++] = v.length & 0xff;
    r.bytes(v);
  }
}
