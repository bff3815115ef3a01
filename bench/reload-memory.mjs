// Memory across zone reloads: the data worker's RSS after each of N reloads of the ~1.22M-record zone, under
// several malloc settings, against the bound "RSS after 10 reloads <= RSS after the first + one compiled zone".
// Usage: flock /tmp/anycastd-bench.lock node bench/reload-memory.mjs [--reloads 10] [--names 1000000]
//        [--settle-ms 3000] [--variants default,arena2,...]   (build first: npm run build)
import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { spawnTracked, stopChild, installCleanup, freePort, captureOutput, removeOnExit } from './lib/children.mjs';
import { waitForSerial } from './lib/probe.mjs';
import { cachedZone, TMP_DIR, ORIGIN, SERIAL } from './lib/zone-cache.mjs';
import { memoryOf, processTree } from './lib/procfs.mjs';
import { anycastdArgs, ROOT } from './lib/subjects.mjs';
import { markdownTable, fixed, machineLine } from './lib/table.mjs';
import { commandLine, runIfScript, writeResult } from './lib/script.mjs';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const MiB = (kib) => kib / 1024;

/**
 * What each run changes; `env` goes to the primary, and cluster.fork passes it on to the data worker.
 * anycastd fixes glibc's mmap threshold for its data workers (src/control/worker-env.ts) unless the
 * environment configures malloc itself: an empty GLIBC_TUNABLES gets glibc's own defaults back.
 */
const VARIANTS = {
  default: { label: 'as shipped (mmap threshold 1 MiB)', env: {} },
  'glibc-defaults': { label: "glibc's defaults (GLIBC_TUNABLES='')", env: { GLIBC_TUNABLES: '' } },
  arena2: { label: 'MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' } },
};

/** The data worker's malloc variables, read back from /proc/PID/environ, to show what it really ran with. */
function mallocEnvOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((v) => /^(MALLOC_|GLIBC_TUNABLES)/.test(v)).join(' ') || 'none';
  } catch {
    return '?';
  }
}

/** Bytes of one compiled zone (the typed arrays the compile thread hands over), measured in this process. */
async function compiledBytes(file) {
  const { loadZoneFile } = await import(pathToFileURL(join(ROOT, 'dist', 'zone', 'loading', 'load.js')).href);
  const { transferList } = await import(pathToFileURL(join(ROOT, 'dist', 'zone', 'compiled', 'compiled.js')).href);
  const result = loadZoneFile(file, {});
  if (!result.zone) throw new Error(`${file} does not compile: ${result.errors[0]?.message}`);
  return { bytes: transferList(result.zone).reduce((n, b) => n + b.byteLength, 0), records: result.zone.meta.records };
}

/** RSS (KiB) of the primary and of its data worker(s). */
function rssOf(primaryPid) {
  const pids = processTree(primaryPid);
  const worker = pids.filter((p) => p !== primaryPid).reduce((n, p) => n + (memoryOf(p)?.rssKiB ?? 0), 0);
  return { primaryKiB: memoryOf(primaryPid)?.rssKiB ?? 0, workerKiB: worker };
}

async function runVariant(name, { reloads, settleMs, bigText, log }) {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const work = join(TMP_DIR, `reload-memory-${process.pid}-${name}`);
  const zonesDir = join(work, 'zones');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(zonesDir, { recursive: true });
  removeOnExit(work);
  const bigPath = join(zonesDir, `${ORIGIN}zone`);
  writeFileSync(bigPath, bigText);
  const port = await freePort();
  const env = { ...process.env, ...variant.env };
  const child = spawnTracked(process.execPath, anycastdArgs(port, zonesDir, { workers: 1, extra: ['--log-level', 'warn'] }), { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output = captureOutput(child);
  const isDead = () => child.exitCode !== null || child.signalCode !== null;
  const soaLine = /^(@ SOA \S+ \S+ )(\d+)/m;
  try {
    await waitForSerial(port, ORIGIN, SERIAL, { since: process.hrtime.bigint(), isDead, timeoutMs: 300_000 });
    await sleep(settleMs);
    const start = rssOf(child.pid);
    const workerPid = processTree(child.pid).find((p) => p !== child.pid);
    const malloc = workerPid === undefined ? '?' : mallocEnvOf(workerPid);
    const after = [];
    for (let k = 1; k <= reloads; k++) {
      const tmp = join(work, `.${ORIGIN}zone.${k}.tmp`); // outside the zones directory, same file system
      writeFileSync(tmp, bigText.replace(soaLine, `$1${SERIAL + k}`));
      const t0 = process.hrtime.bigint();
      renameSync(tmp, bigPath);
      const ms = await waitForSerial(port, ORIGIN, SERIAL + k, { since: t0, isDead, timeoutMs: 300_000 });
      // Past the compile thread's 2 s idle exit, so its heap is gone and only what the data worker keeps counts.
      await sleep(settleMs);
      const rss = rssOf(child.pid);
      after.push({ ...rss, ms });
      log(`${name}: reload ${k} served in ${fixed(ms / 1000, 2)} s; worker RSS ${fixed(MiB(rss.workerKiB), 0)} MiB, primary ${fixed(MiB(rss.primaryKiB), 0)} MiB`);
    }
    return { name, label: variant.label, malloc, start, after, problems: output.text.split('\n').filter((l) => /"level":(40|50|60)/.test(l)).length };
  } catch (err) {
    throw new Error(`${name}: ${err.message}\n${output.text.slice(-1500)}`);
  } finally {
    await stopChild(child, 5000);
  }
}

export async function reloadMemoryBench({ reloads = 10, names = 1_000_000, settleMs = 3000, variants = Object.keys(VARIANTS), command = 'node bench/reload-memory.mjs', log = console.error } = {}) {
  installCleanup();
  const machine = await machineLine();
  const big = cachedZone(names);
  const bigText = readFileSync(big.file, 'utf8');
  const compiled = await compiledBytes(big.file);
  const compiledMiB = compiled.bytes / 1048576;
  log(`reload-memory: ${compiled.records} records, one compiled zone ${fixed(compiledMiB, 1)} MiB`);
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loadBefore = load();
  const runs = [];
  for (const name of variants) runs.push(await runVariant(name, { reloads, settleMs, bigText, log }));

  const rows = runs.map((r) => {
    const first = MiB(r.after[0].workerKiB);
    const last = MiB(r.after.at(-1).workerKiB);
    const bound = first + compiledMiB;
    return [r.label, r.malloc, fixed(MiB(r.start.workerKiB), 0), fixed(first, 0), r.after.map((a) => fixed(MiB(a.workerKiB), 0)).join(' '), fixed(last, 0), fixed(bound, 0), last <= bound ? 'yes' : 'NO', String(r.problems)];
  });
  const table = markdownTable(['data worker', 'malloc env seen in the worker', 'RSS loaded', 'after reload 1', `after each reload (MiB)`, `after ${reloads}`, 'bound', 'within', 'warn/error lines'], rows);
  const report = [
    '# Memory across zone reloads',
    '',
    `${new Date().toISOString()}; ${machine}.`,
    `anycastd serve, 1 worker, one zone: \`${ORIGIN}\` (\`gen-zone.mjs ${names}\`, ${compiled.records} records; compiled: ${fixed(compiledMiB, 1)} MiB of typed arrays).`,
    `Each reload writes the zone with serial + 1 to a temp file outside the zones directory, renames it over the file, waits until the new serial is served, then ${settleMs} ms (past the compile thread's idle exit) before reading the data worker's VmRSS. RSS in MiB.`,
    `Bound (issue 9): RSS after ${reloads} reloads <= RSS after the first + one compiled zone. Load average before ${loadBefore}, after ${load()}.`,
    '',
    table,
    '',
    `Command: \`${command}\``,
    '',
  ].join('\n');
  return { report, runs, compiledMiB };
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      reloads: { type: 'string', default: '10' },
      names: { type: 'string', default: '1000000' },
      'settle-ms': { type: 'string', default: '3000' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    },
  });
  const command = commandLine('reload-memory.mjs');
  const { report } = await reloadMemoryBench({
    reloads: Number(opts.reloads), names: Number(opts.names), settleMs: Number(opts['settle-ms']), variants: opts.variants.split(','), command,
  });
  console.log(report);
  writeResult('reload-memory.md', report);
}

runIfScript(import.meta.url, main);
