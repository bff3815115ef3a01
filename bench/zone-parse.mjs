// Zone parser micro-benchmark: node bench/zone-parse.mjs ZONEFILE [ORIGIN] (needs `npx tsc -p tsconfig.build.json`).
import { parseZoneFile } from '../dist/zone/text/parser.js';

const file = process.argv[2] ?? 'bench/zone.big';
const origin = process.argv[3] ?? 'bench.test.';
let records = 0;
let bytes = 0;
let problems = 0;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
parseZoneFile(file, { origin }, (r) => {
  records++;
  bytes += r.rdata.length;
}, (p) => {
  if (problems++ < 5) console.error(`${p.file}:${p.line}: ${p.message}`);
});
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`${records} records, ${problems} problems, ${bytes} rdata bytes`);
// CPU time is printed too: wall time on a shared 2-core box varies by +-30% between runs.
console.log(`${ms.toFixed(0)} ms wall (${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU), ${Math.round((records / ms) * 1000)} records/s, RSS ${rss.toFixed(0)} MiB`);
