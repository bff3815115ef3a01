// Starts and stops the two servers under comparison: Knot DNS (the oracle) and anycastd (the candidate).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { sendUdp, type Endpoint } from './compare.js';
import { wireQuestion } from './cases.js';

export interface RunningServer {
  label: string;
  endpoint: Endpoint;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Absolute path of knotd, or null when Knot is not installed. Env KNOTD overrides the search. */
export function findKnotd(): string | null {
  const forced = process.env.KNOTD;
  if (forced !== undefined) return forced !== '' && existsSync(forced) ? forced : null;
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (!dir) continue;
    const p = path.join(dir, 'knotd');
    if (existsSync(p)) return p;
  }
  return null;
}

/** The zone names served from a directory: one zone per `<origin>.zone` file. */
export function zoneNames(zonesDir: string): string[] {
  return readdirSync(zonesDir)
    .filter((f) => f.endsWith('.zone'))
    .map((f) => `${f.slice(0, -'.zone'.length)}.`)
    .sort();
}

/** A loopback port that is free for both UDP and TCP at the moment of asking. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (port && udpFree) return port;
  }
  throw new Error('no free loopback port found');
}

function track(child: ChildProcess): { output(): string; exited(): string | null } {
  let out = '';
  let exit: string | null = null;
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => void (out += d.toString()));
  child.on('exit', (code, sig) => void (exit = `exited with ${sig ?? code}`));
  child.on('error', (err) => void (exit = `failed to start: ${err.message}`));
  return { output: () => out.slice(-8000), exited: () => exit };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/** Polls with SOA queries for every zone until all answer NOERROR with AA, or fails with the process log. */
async function waitUntilServing(label: string, ep: Endpoint, zones: string[], exited: () => string | null, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(zones);
  while (pending.size > 0) {
    const why = exited();
    if (why) throw new Error(`${label} ${why} before serving\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${label} did not answer SOA for ${[...pending].join(' ')} within ${timeoutMs} ms\n${output()}`);
    for (const zone of [...pending]) {
      const q = Buffer.concat([Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), wireQuestion(zone, 'SOA')]);
      const r = await sendUdp(ep, q, 200);
      if (r.kind === 'reply' && r.raw.length >= 12 && (r.raw[3] & 0x0f) === 0 && (r.raw[2] & 0x04) !== 0 && r.raw.readUInt16BE(6) > 0) pending.delete(zone);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Identity {
  /** RFC 5001 NSID payload, also given to anycastd as --nsid. */
  nsid: string;
  /** Answer to CH TXT id.server./hostname.bind. */
  identity: string;
  /** Answer to CH TXT version.bind./version.server.; empty disables it in Knot. */
  version: string;
}

export async function startKnot(knotd: string, zonesDir: string, who: Identity, label = 'knotd'): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anycastd-knot-diff-'));
  mkdirSync(path.join(dir, 'run'));
  mkdirSync(path.join(dir, 'db'));
  const port = await freePort();
  const q = (s: string): string => JSON.stringify(s);
  const conf = [
    'server:',
    `    rundir: ${q(path.join(dir, 'run'))}`,
    `    listen: 127.0.0.1@${port}`,
    `    identity: ${q(who.identity)}`,
    `    version: ${q(who.version)}`,
    `    nsid: ${q(who.nsid)}`,
    '    udp-max-payload: 1232',
    '    udp-workers: 2',
    '    tcp-workers: 2',
    '    background-workers: 1',
    'database:',
    `    storage: ${q(path.join(dir, 'db'))}`,
    'log:',
    '  - target: stderr',
    '    any: notice',
    'template:',
    '  - id: default',
    `    storage: ${q(zonesDir)}`,
    '    file: "%s.zone"',
    '    semantic-checks: on',
    '    journal-content: none',
    '    zonefile-sync: -1',
    'zone:',
    ...zoneNames(zonesDir).map((z) => `  - domain: ${q(z)}`),
    '',
  ].join('\n');
  const confPath = path.join(dir, 'knot.conf');
  writeFileSync(confPath, conf);
  const child = spawn(knotd, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const t = track(child);
  const endpoint = { host: '127.0.0.1', port };
  const server: RunningServer = {
    label,
    endpoint,
    output: t.output,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(label, endpoint, zoneNames(zonesDir), t.exited, t.output, 15_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** `udpIo` is anycastd's --udp-io: which UDP path (native batched addon or node:dgram) the candidate runs. */
export async function startAnycastd(repoRoot: string, zonesDir: string, who: Identity, udpIo = 'auto'): Promise<RunningServer> {
  const main = path.join(repoRoot, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`anycastd is not built: ${main} does not exist. Build it with \`npx tsc -p tsconfig.build.json\` and run again.`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [main, 'serve', '--listen', `127.0.0.1:${port}`, '--zones', zonesDir, '--nsid', who.nsid, '--hide-version',
    '--udp-io', udpIo, '--control-socket', path.join(mkdtempSync(path.join(os.tmpdir(), 'anycastd-knotdiff-run-')), 'control.sock')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = track(child);
  const endpoint = { host: '127.0.0.1', port };
  const server: RunningServer = { label: `anycastd (${udpIo})`, endpoint, output: t.output, stop: () => stopChild(child) };
  try {
    await waitUntilServing('anycastd', endpoint, zoneNames(zonesDir), t.exited, t.output, 20_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
