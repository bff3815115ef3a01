// A small reader for the zone-file subset that bench/gen-zone.mjs writes, for the baseline servers and the query list.
// Independent of src/ on purpose: the baselines must not borrow anycastd's parser. Handles $ORIGIN, $TTL, owner
// inheritance, optional TTL and class, quoted strings, and the types SOA NS A AAAA MX TXT CNAME. Not a general parser.
import { readFileSync } from 'node:fs';

function tokens(line) {
  const out = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m; (m = re.exec(line)); ) {
    if (m[2]?.startsWith(';')) break;
    out.push(m[1] !== undefined ? { quoted: m[1] } : m[2]);
  }
  return out;
}

/** Absolute lower-case name without the trailing dot ("" for the root), as dns-packet and dns2 spell names. */
function absolute(name, origin) {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return origin ? `${name}.${origin}`.toLowerCase() : name.toLowerCase();
}

/** Records as { name, type, ttl, data } with data in dns-packet's shape. */
export function readZoneText(file, defaultOrigin = '') {
  let origin = defaultOrigin.replace(/\.$/, '').toLowerCase();
  let defaultTtl = 3600;
  let owner = origin;
  const records = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const t = tokens(raw);
    if (t.length === 0) continue;
    if (t[0] === '$ORIGIN') {
      origin = absolute(t[1], '');
      continue;
    }
    if (t[0] === '$TTL') {
      defaultTtl = Number(t[1]);
      continue;
    }
    let i = 0;
    if (!/^\s/.test(raw)) owner = absolute(t[i++], origin);
    let ttl = defaultTtl;
    if (/^\d+$/.test(t[i])) ttl = Number(t[i++]);
    if (t[i] === 'IN') i++;
    const type = t[i++];
    const rest = t.slice(i);
    const name = (n) => absolute(n, origin);
    let data;
    switch (type) {
      case 'A': case 'AAAA': data = rest[0]; break;
      case 'NS': case 'CNAME': data = name(rest[0]); break;
      case 'MX': data = { preference: Number(rest[0]), exchange: name(rest[1]) }; break;
      case 'TXT': data = rest.map((s) => (typeof s === 'string' ? s : s.quoted)); break;
      case 'SOA':
        data = { mname: name(rest[0]), rname: name(rest[1]), serial: Number(rest[2]), refresh: Number(rest[3]), retry: Number(rest[4]), expire: Number(rest[5]), minimum: Number(rest[6]) };
        break;
      default: throw new Error(`${file}: type ${type} is outside the bench reader's subset`);
    }
    records.push({ name: owner, type, ttl, data });
  }
  return { origin, records };
}

/**
 * The zone as Map<name, Map<type, record[]>>, plus what a naive authoritative answer needs: the SOA record and
 * the delegation points (non-apex names with NS).
 */
export function zoneMap(file) {
  const { origin, records } = readZoneText(file);
  const names = new Map();
  for (const r of records) {
    let types = names.get(r.name);
    if (!types) names.set(r.name, (types = new Map()));
    let set = types.get(r.type);
    if (!set) types.set(r.type, (set = []));
    set.push(r);
  }
  const soa = names.get(origin)?.get('SOA')?.[0];
  if (!soa) throw new Error(`${file}: no SOA at ${origin}`);
  return { origin, names, soa };
}
