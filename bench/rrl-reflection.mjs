// Reflection-attack bench: a flood of spoofed-source queries (all from one "victim" /24) for a large answer,
// with RRL off and on: bytes reflected to the victim, an innocent client's answered share, server CPU per query
// under attack against normal traffic (many prefixes and names, nothing limited). Loopback only, bounded in time.
// Usage: node bench/rrl-reflection.mjs [--qps N] [--seconds S] [--rate R]   (build first; run under flock)
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import dnsPacket from 'dns-packet';
import { installCleanup, killAll, removeOnExit, freePort } from './lib/children.mjs';
import { nodeServer, CLI } from './lib/subjects.mjs';
import { treeCpuMicros } from './lib/procfs.mjs';

const { values: opts } = parseArgs({ options: { qps: { type: 'string', default: '4000' }, seconds: { type: 'string', default: '3' }, rate: { type: 'string', default: '20' } } });
const QPS = Number(opts.qps);
const SECONDS = Number(opts.seconds);
const RATE = Number(opts.rate);
const INNOCENT_QPS = 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function zoneDir() {
  const dir = mkdtempSync(join(tmpdir(), 'anycastd-rrl-bench-'));
  removeOnExit(dir);
  const txt = Array.from({ length: 8 }, (_, i) => `big TXT "${String.fromCharCode(97 + i).repeat(120)}"`).join('\n');
  // A ~1 KB answer: what an attacker picks to amplify. 256 names of the same size give normal traffic distinct
  // buckets (names, not a wildcard: RRL buckets wildcard answers by the wildcard's owner, as NSD and Knot do).
  const normal = Array.from({ length: 256 }, (_, i) => `n${i}.w TXT "${'w'.repeat(200)}" "${'x'.repeat(200)}" "${'y'.repeat(200)}" "${'z'.repeat(200)}"`).join('\n');
  writeFileSync(join(dir, 'reflect.test.zone'), `$ORIGIN reflect.test.\n$TTL 300\n@ SOA ns hostmaster 1 7200 900 1209600 60\n@ NS ns\nns A 192.0.2.1\n${txt}\n${normal}\n`);
  return dir;
}

function query(id, name) {
  return dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ name, type: 'TXT', class: 'IN' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: 0, options: [] }] });
}

async function socketAt(address, onReply) {
  const s = dgram.createSocket('udp4');
  s.on('message', onReply);
  await new Promise((ok, fail) => {
    s.once('error', fail);
    s.bind(0, address, ok);
  });
  return s;
}

async function waitReady(port) {
  const probe = await socketAt('127.0.0.1', () => (ready = true));
  let ready = false;
  for (let i = 0; i < 200 && !ready; i++) {
    probe.send(query(1, 'ns.reflect.test'), port, '127.0.0.1');
    await sleep(50);
  }
  probe.close();
  if (!ready) throw new Error('anycastd did not answer');
}

/** One scenario: `attack` sends every query from the victim /24 for the big name; otherwise 64 /24s x 256 names. */
async function scenario(label, extra, attack) {
  const port = await freePort();
  const server = nodeServer((p) => [CLI, 'serve', '--listen', `127.0.0.1:${p}`, '--zones', zoneDir(), '--nsid', 'bench', '--log-level', 'warn',
    '--control-socket', join(tmpdir(), `anycastd-bench-control-${p}.sock`), ...extra])(port);
  await waitReady(port);
  const victim = { bytes: 0, full: 0, slipped: 0 };
  const count = (r) => {
    victim.bytes += r.length;
    if (r[2] & 0x02) victim.slipped++;
    else victim.full++;
  };
  const senders = [];
  for (let i = 0; i < 64; i++) senders.push(await socketAt(attack ? `127.9.9.${1 + (i % 8)}` : `127.10.${i}.1`, count));
  const innocent = { sent: 0, full: 0 };
  const innocentSock = await socketAt('127.8.8.1', (r) => (r[2] & 0x02 ? 0 : innocent.full++));
  await sleep(200);
  const cpu0 = treeCpuMicros(server.child.pid);
  const t0 = Date.now();
  let sent = 0;
  for (let tick = 0; tick < SECONDS * 100; tick++) {
    for (const due = Math.round(((tick + 1) * QPS) / 100); sent < due; sent++) {
      const name = attack ? 'big.reflect.test' : `n${sent & 255}.w.reflect.test`;
      senders[sent & 63].send(query(sent & 0xffff, name), port, '127.0.0.1');
    }
    if (tick % (100 / INNOCENT_QPS) === 0) {
      innocent.sent++;
      innocentSock.send(query(tick, attack ? 'big.reflect.test' : 'n1.w.reflect.test'), port, '127.0.0.1');
    }
    const wait = t0 + (tick + 1) * 10 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await sleep(300);
  const cpu = treeCpuMicros(server.child.pid) - cpu0;
  for (const s of [...senders, innocentSock]) s.close();
  await server.stop();
  return { label, sent, ...victim, innocentShare: innocent.full / innocent.sent, cpuPerQueryUs: cpu / (sent + innocent.sent) };
}

async function main() {
  installCleanup();
  const load = () => execFileSync('uptime').toString().trim();
  console.error(`rrl-reflection: ${QPS} qps for ${SECONDS} s, --rrl-rate ${RATE}; ${load()}`);
  const on = ['--rrl-rate', String(RATE)];
  const rows = [];
  rows.push(await scenario('attack, RRL off', [], true));
  rows.push(await scenario(`attack, RRL on (rate ${RATE}, slip 2)`, on, true));
  rows.push(await scenario('normal traffic, RRL off', [], false));
  rows.push(await scenario(`normal traffic, RRL on (rate ${RATE})`, on, false));
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `| scenario | queries | bytes to the source /24s | full answers | TC slips | innocent answered | server CPU µs/query |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.label} | ${fmt(r.sent)} | ${fmt(r.bytes)} | ${fmt(r.full)} | ${fmt(r.slipped)} | ${fmt(100 * r.innocentShare, 0)}% | ${fmt(r.cpuPerQueryUs, 1)} |`),
    '',
    `Reflected bytes, RRL off / on: **${fmt(rows[0].bytes / Math.max(1, rows[1].bytes), 1)}x** less with RRL.`,
    `CPU per query under attack with RRL on / normal traffic with RRL on: **${fmt(rows[1].cpuPerQueryUs / rows[3].cpuPerQueryUs, 2)}x**;`,
    `normal traffic RRL on / off: **${fmt(rows[3].cpuPerQueryUs / rows[2].cpuPerQueryUs, 2)}x**. ${load()}`,
  ];
  console.log(lines.join('\n'));
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => killAll());
