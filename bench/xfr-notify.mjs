// NOTIFY-to-served latency of a secondary zone, anycastd against Knot as secondaries of the same Knot primary, for a
// small zone and the ~1.22M-record bench zone; plus the RSS of anycastd around 100 small-zone IXFRs.
// Usage: node bench/xfr-notify.mjs [--names N] [--small-edits N] [--big-edits N] [--ixfrs N]   (after npm run build)

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, cachedZone, ORIGIN, SERIAL } from './lib/zone-cache.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const NAMES = arg('names', 1_000_000);
const SMALL_EDITS = arg('small-edits', 5);
const BIG_EDITS = arg('big-edits', 3);
const IXFRS = arg('ixfrs', 100);
const SMALL = 'small.test.';
const CLI = join(BENCH_DIR, '..', 'dist', 'cli', 'main.js');
const children = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((ok) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
}

function soaQuery(zone) {
  const labels = zone.replace(/\.$/, '').split('.');
  const name = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 6, 0, 1])]);
}

/** The SOA serial a server answers for zone, or null. */
function serialOf(port, zone) {
  return new Promise((ok) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => done(null), 300);
    function done(v) {
      clearTimeout(t);
      s.close();
      ok(v);
    }
    s.on('message', (m) => {
      if ((m[3] & 0xf) !== 0 || m.readUInt16BE(6) === 0) return done(null);
      // The serial is the 5th-from-last 32-bit word of the (only) answer's SOA rdata: rdata ends with 5 counters.
      let p = 12;
      while (m[p] !== 0) p += m[p] + 1;
      p += 5; // root, qtype, qclass
      p += 2 + 10; // compressed owner, type/class/ttl/rdlen
      const rdlen = m.readUInt16BE(p - 2);
      done(m.readUInt32BE(p + rdlen - 20));
    });
    s.send(soaQuery(zone), port, '127.0.0.1');
  });
}

async function waitSerial(port, zone, serial, timeoutMs) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await serialOf(port, zone)) === serial) return Date.now() - t0;
    await sleep(5);
  }
  return null;
}

/**
 * A third NOTIFY target beside the two secondaries, first in the primary's list: it notes when the NOTIFY for a zone
 * arrives, so latencies count from the NOTIFY, not from the edit (anycastd's own "NOTIFY accepted" log time counts
 * too, whichever is earlier).
 */
function notifyTap() {
  const notifiedAt = new Map();
  /** Notes the NOTIFY's zone and returns the answer (QR and AA set), or null for anything else. */
  const take = (m) => {
    if (m.length < 12 || ((m[2] >> 3) & 0xf) !== 4) return null;
    const labels = [];
    for (let p = 12; p < m.length && m[p] !== 0; p += m[p] + 1) labels.push(m.toString('latin1', p + 1, p + 1 + m[p]));
    notifiedAt.set(`${labels.join('.')}.`, Date.now());
    const answer = Buffer.from(m);
    answer[2] |= 0x84;
    return answer;
  };
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, from) => {
    const answer = take(m);
    if (answer) udp.send(answer, from.port, from.address);
  });
  // Knot may send NOTIFY over TCP: the same port, two-octet length prefix.
  const tcp = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('error', () => {});
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const answer = take(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        if (answer) c.write(Buffer.concat([Buffer.from([answer.length >> 8, answer.length & 255]), answer]));
      }
    });
  });
  return new Promise((ok) => udp.bind(0, '127.0.0.1', () => {
    const port = udp.address().port;
    tcp.listen(port, '127.0.0.1', () => ok({ port, notifiedAt, close: () => { udp.close(); tcp.close(); } }));
  }));
}

/** Asks `zone` SOA over and over (one query in flight) until stopped: the latency the other zones see meanwhile. */
function probe(port, zone) {
  const rtts = [];
  let stopped = false;
  const s = dgram.createSocket('udp4');
  const q = soaQuery(zone);
  let sentAt = 0;
  let timer = null;
  const send = () => {
    if (stopped) return;
    sentAt = performance.now();
    s.send(q, port, '127.0.0.1');
    timer = setTimeout(() => {
      rtts.push(1000);
      send();
    }, 1000);
  };
  s.on('message', () => {
    clearTimeout(timer);
    rtts.push(performance.now() - sentAt);
    setTimeout(send, 2);
  });
  s.bind(0, '127.0.0.1', send);
  return () => {
    stopped = true;
    clearTimeout(timer);
    s.close();
    const sorted = [...rtts].sort((a, b) => a - b);
    const at = (f) => (sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))].toFixed(2)) : null);
    return { queries: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.length ? Number(sorted.at(-1).toFixed(2)) : null };
  };
}

function childPids(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

function rssKiB(pid) {
  let total = 0;
  const pids = [pid, ...childPids(pid)];
  for (const p of pids) total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  return total;
}

function knot(dir, port, body) {
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'knot.conf'),
    `server:\n  rundir: "${dir}"\n  listen: 127.0.0.1@${port}\n  tcp-max-clients: 100\ncontrol:\n  listen: "${dir}/knot.sock"\n` +
    `database:\n  storage: "${dir}/db"\nlog:\n  - target: stderr\n    any: warning\n${body}`);
  const p = spawn('knotd', ['-c', join(dir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(p);
  return p;
}

const smallText = (serial) => `$ORIGIN ${SMALL}\n$TTL 300\n@ SOA ns1 admin ${serial} 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\nwww TXT "v${serial}"\n`;

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'anycastd-xfr-bench-'));
  const [pPort, kPort, aPort] = [await freePort(), await freePort(), await freePort()];
  const tap = await notifyTap();
  const pdir = join(work, 'primary');
  const kdir = join(work, 'knot-secondary');
  const zonesDir = join(work, 'zones');
  const xfrDir = join(work, 'xfr');
  for (const d of [pdir, kdir, zonesDir]) mkdirSync(d, { recursive: true });
  const big = cachedZone(NAMES);
  let bigText = readFileSync(big.file, 'utf8');
  const bigSoa = /^(@ SOA ns1 hostmaster )\d+/m;
  writeFileSync(join(pdir, `${ORIGIN}zone`), bigText);
  writeFileSync(join(pdir, `${SMALL}zone`), smallText(1));
  const tpl = (extra) => `template:\n  - id: default\n    storage: "${extra.storage}"\n${extra.body}`;
  knot(pdir, pPort,
    `remote:\n  - id: anycastd\n    address: 127.0.0.1@${aPort}\n  - id: knot2\n    address: 127.0.0.1@${kPort}\n  - id: tap\n    address: 127.0.0.1@${tap.port}\n` +
    `acl:\n  - id: xfr\n    address: 127.0.0.0/8\n    action: transfer\n` +
    tpl({ storage: pdir, body: `    zonefile-sync: -1\n    zonefile-load: difference\n    journal-content: changes\n    notify: [tap, anycastd, knot2]\n    acl: xfr\n` }) +
    `zone:\n  - domain: ${ORIGIN}\n  - domain: ${SMALL}\n`);
  await sleep(1000);
  const knotSecondary = knot(kdir, kPort,
    `remote:\n  - id: primary\n    address: 127.0.0.1@${pPort}\nacl:\n  - id: notify\n    address: 127.0.0.0/8\n    action: notify\n` +
    tpl({ storage: kdir, body: `    master: primary\n    acl: notify\n    zonefile-sync: -1\n` }) + `zone:\n  - domain: ${ORIGIN}\n  - domain: ${SMALL}\n`);
  const t0 = Date.now();
  const node = spawn(process.execPath, [CLI, 'serve', '--listen', `127.0.0.1:${aPort}`, '--zones', zonesDir, '--xfr-dir', xfrDir,
    '--secondary', `${ORIGIN}@127.0.0.1:${pPort}`, '--secondary', `${SMALL}@127.0.0.1:${pPort}`, '--log-level', 'info', '--control-socket', join(xfrDir, '..', 'control.sock')], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(node);
  // Warnings and errors go through; "zone diff applied" lines give the time the worker spent patching.
  const patches = [];
  const fileLoads = [];
  let pending = '';
  node.stderr.setEncoding('utf8');
  node.stderr.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) {
      let entry;
      try { entry = JSON.parse(line); } catch { continue; }
      if (entry.msg === 'zone diff applied') patches.push({ zone: entry.origin, serial: entry.serial, ms: entry.ms });
      else if (entry.msg === 'zone loaded') fileLoads.push({ zone: entry.origin, serial: entry.serial, at: entry.time });
      else if (entry.msg === 'NOTIFY accepted; refreshing' && !(tap.notifiedAt.get(entry.zone) <= entry.time)) tap.notifiedAt.set(entry.zone, entry.time);
      else if (entry.level >= 40 || entry.msg?.startsWith('IXFR diff not applied')) console.error(line);
    }
  });
  const firstA = await waitSerial(aPort, ORIGIN, SERIAL, 300_000);
  const firstK = await waitSerial(kPort, ORIGIN, SERIAL, 300_000);
  await waitSerial(aPort, SMALL, 1, 30_000);
  console.log(`first AXFR of ${ORIGIN} (${NAMES} names): anycastd serves it ${firstA ?? 'timeout'} ms after its start (${Date.now() - t0} ms incl. waiting for Knot: ${firstK} ms more)`);
  const knotc = (zone) => execFileSync('knotc', ['-s', join(pdir, 'knot.sock'), 'zone-reload', zone]);

  const rows = [];
  async function edit(zone, serial, write) {
    write(serial);
    tap.notifiedAt.delete(zone);
    const t0 = Date.now();
    knotc(zone);
    const [a, k] = await Promise.all([waitSerial(aPort, zone, serial, 120_000), waitSerial(kPort, zone, serial, 120_000)]);
    const notify = tap.notifiedAt.has(zone) ? tap.notifiedAt.get(zone) - t0 : null;
    const since = (ms) => (ms === null || notify === null ? null : ms - notify);
    const patchMs = patches.find((x) => x.zone === zone && x.serial === serial)?.ms ?? null;
    const row = { zone, serial, notifyAfterReloadMs: notify, anycastdMs: since(a), knotMs: since(k), anycastdFromReloadMs: a, knotFromReloadMs: k, anycastdPatchMs: patchMs };
    rows.push(row);
    console.log(`${zone} serial ${serial}: NOTIFY ${notify ?? '?'} ms after knotc zone-reload; from the NOTIFY: anycastd ${row.anycastdMs ?? 'timeout'} ms (diff patched in ${patchMs ?? '-'} ms), Knot ${row.knotMs ?? 'timeout'} ms`);
  }
  for (let i = 0; i < SMALL_EDITS; i++) await edit(SMALL, 2 + i, (s) => writeFileSync(join(pdir, `${SMALL}zone`), smallText(s)));
  // While the big zone changes, the small one is asked continuously: any stall of the data path shows as latency.
  const stopProbes = [probe(aPort, SMALL), probe(kPort, SMALL)];
  for (let i = 0; i < BIG_EDITS; i++) {
    await edit(ORIGIN, SERIAL + 1 + i, (s) => {
      bigText = bigText.replace(bigSoa, `$1${s}`).replace(/^ns2 A 192\.0\.2\.\d+$/m, `ns2 A 192.0.2.${10 + i}`);
      writeFileSync(join(pdir, `${ORIGIN}zone`), bigText);
    });
  }
  const [probeA, probeK] = stopProbes.map((stop) => stop());
  console.log(`zone files compiled by the worker: ${fileLoads.map((f) => `${f.zone} ${f.serial}`).join(', ')} (IXFRs are served from their diffs; a file is compiled only for an AXFR or a refused diff)`);
  console.log(`${SMALL} answered during the ${BIG_EDITS} big-zone IXFRs: anycastd ${JSON.stringify(probeA)}, Knot ${JSON.stringify(probeK)}`);
  const rssBefore = rssKiB(node.pid);
  const base = 2 + SMALL_EDITS;
  const t100 = Date.now();
  for (let i = 0; i < IXFRS; i++) {
    writeFileSync(join(pdir, `${SMALL}zone`), smallText(base + i));
    knotc(SMALL);
    if ((await waitSerial(aPort, SMALL, base + i, 30_000)) === null) throw new Error(`IXFR ${i} not served`);
  }
  const rssAfter = rssKiB(node.pid);
  const rssKnot = rssKiB(knotSecondary.pid);
  const perProcess = [node.pid, ...childPids(node.pid)]
    .map((p) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024));
  console.log(`RSS of anycastd (control plane + worker, big zone loaded): ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssAfter / 1024)} MiB after ${IXFRS} small-zone IXFRs (${Date.now() - t100} ms; per process ${perProcess.join(' + ')} MiB); Knot secondary ${Math.round(rssKnot / 1024)} MiB`);
  console.log(JSON.stringify({ names: NAMES, rows, probeA, probeK, rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter, rssPerProcessMiB: perProcess, rssKnotSecondaryKiB: rssKnot }));
  for (const c of children) c.kill('SIGTERM');
  tap.close();
  await sleep(500);
  rmSync(work, { recursive: true, force: true });
}

// A bench stopped from outside (timeout, Ctrl-C) takes its knotd and anycastd with it.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  });
}

main().catch((err) => {
  console.error(err);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
