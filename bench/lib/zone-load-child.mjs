// Child of bench/zone-load.mjs (run with --expose-gc): compiles one zone in-process and prints its figures as JSON.
// With --baseline it only imports the loader and reports the memory of an idle Node process.
import { memoryOf } from './procfs.mjs';

const file = process.argv[2];
const baseline = process.argv.includes('--baseline');
const { loadZoneFile } = await import('../../dist/zone/loading/load.js');
const { transferList } = await import('../../dist/zone/compiled/compiled.js');
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

let result = null;
let loadMs = 0;
let cpuMs = 0;
if (!baseline) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  result = loadZoneFile(file);
  loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = process.cpuUsage(c0);
  cpuMs = (c1.user + c1.system) / 1000;
}
globalThis.gc();
globalThis.gc();
const heap = process.memoryUsage();
const zone = result?.zone ?? null;
const compiledBytes = zone ? transferList(zone).reduce((sum, b) => sum + b.byteLength, 0) : 0;
const mem = memoryOf('self');
console.log(JSON.stringify({
  loadMs,
  cpuMs,
  records: zone?.meta.records ?? 0,
  serial: zone?.meta.serial ?? null,
  errors: result?.errors.length ?? 0,
  firstErrors: result?.errors.slice(0, 3).map((e) => `${e.file}:${e.line}: ${e.message}`) ?? [],
  warnings: result?.warnings.length ?? 0,
  heapUsedAfterGc: heap.heapUsed,
  arrayBuffers: heap.arrayBuffers,
  compiledBytes,
  hwmKiB: mem.hwmKiB,
  rssKiB: mem.rssKiB,
}));
