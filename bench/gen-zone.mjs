// Generates a synthetic zone for the parser bench: node bench/gen-zone.mjs N OUT [ORIGIN]
import { createWriteStream } from 'node:fs';

const n = Number(process.argv[2] ?? 1000000);
const out = process.argv[3] ?? 'bench/zone.big';
const origin = process.argv[4] ?? 'bench.test.';
if (!Number.isInteger(n) || n <= 0) throw new Error('usage: gen-zone.mjs N OUT [ORIGIN]');

const ws = createWriteStream(out);
let buf = '';
const flush = () => new Promise((ok) => (ws.write(buf) ? ok() : ws.once('drain', ok)));

buf += `$ORIGIN ${origin}\n$TTL 3600\n@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n  NS ns1\n  NS ns2\n`;
buf += 'ns1 A 192.0.2.1\nns2 A 192.0.2.2\n';
// Deterministic mix per name: ~85% A (some also AAAA), 5% MX, 5% TXT, 4% CNAME, 1% delegation with glue.
for (let i = 0; i < n; i++) {
  const r = (i * 2654435761) % 100;
  const name = `host-${i}.site${i % 64}`;
  const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  if (r < 85) {
    buf += r < 40 ? `${name} 3600 IN A ${a}\n` : `${name} A ${a}\n`;
    if (r < 20) buf += `  AAAA 2001:db8:${(i >> 16).toString(16)}::${(i & 0xffff).toString(16)}\n`;
  } else if (r < 90) {
    buf += `${name} 300 IN MX 10 mail${i % 100}.${origin}\n`;
  } else if (r < 95) {
    buf += `${name} TXT "v=spf1 ip4:${a} -all" "id=${i}"\n`;
  } else if (r < 99) {
    buf += `${name} CNAME host-${(i + 1) % n}.site${((i + 1) % n) % 64}\n`;
  } else {
    buf += `d${i} NS ns.d${i}\nns.d${i} A ${a}\n  AAAA 2001:db8::${(i & 0xffff).toString(16)}\n`;
  }
  if (buf.length > 1 << 16) {
    await flush();
    buf = '';
  }
}
await flush();
ws.end();
