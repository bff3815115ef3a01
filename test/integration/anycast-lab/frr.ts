// FRR in a namespace, started by hand (no systemd): zebra, staticd and bgpd with their own config dir, pid files and
// vty sockets, each in its own process group; steered and read with `vtysh --vty_socket DIR`.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GroupProcess, alive, must, run, sleep } from './base.js';

export const FRR_BIN = '/usr/lib/frr';
export type FrrDaemon = 'zebra' | 'staticd' | 'bgpd';
const DAEMONS: readonly FrrDaemon[] = ['zebra', 'staticd', 'bgpd'];

/** The frr user's uid/gid (the daemons drop to it; their vty sockets get group frrvty). */
function frrIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'frr'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'frr'], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

export class Frr {
  private readonly procs = new Map<FrrDaemon, GroupProcess>();
  /** `--frr-vtysh` for anycastd: vtysh pointed at this instance's sockets. */
  readonly vtyshCommand: string;

  /** `bgpdConf` is the operator's part of frr.conf (router bgp, neighbors, `route-map ANYCASTD-OUT out`). */
  constructor(readonly ns: string, readonly dir: string, bgpdConf: string) {
    this.vtyshCommand = `vtysh --vty_socket ${dir}`;
    writeFileSync(join(dir, 'bgpd.conf'), bgpdConf);
    for (const d of ['zebra', 'staticd']) writeFileSync(join(dir, `${d}.conf`), '');
    // The daemons run as frr: they write their pid files, logs and sockets here.
    const { uid, gid } = frrIds();
    for (const f of ['', 'bgpd.conf', 'zebra.conf', 'staticd.conf']) chownSync(join(dir, f), uid, gid);
    // The test's temp dirs (mkdtemp: 0700 root) must be traversable by frr.
    for (let d = dirname(dir); d.startsWith(`${tmpdir()}/`); d = dirname(d)) chmodSync(d, 0o755);
  }

  async start(): Promise<void> {
    for (const d of DAEMONS) await this.startDaemon(d);
  }

  /** Starts one daemon in the foreground (so we reap it) and waits until vtysh reaches it. */
  async startDaemon(d: FrrDaemon): Promise<void> {
    const out = openSync(join(this.dir, `${d}.out`), 'a');
    const args = [
      'netns', 'exec', this.ns, join(FRR_BIN, d),
      '-u', 'frr', '-g', 'frr',
      '-f', join(this.dir, `${d}.conf`),
      '-i', join(this.dir, `${d}.pid`),
      '-z', join(this.dir, 'zserv.api'),
      '--vty_socket', this.dir,
      '-P', '0',
      '--log', `file:${join(this.dir, `${d}.log`)}`,
    ];
    const proc = spawn('ip', args, { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    const gp = new GroupProcess(`${d} ${this.ns}`, proc);
    this.procs.set(d, gp);
    const probe = d === 'bgpd' ? 'show running-config bgpd' : `show running-config ${d}`;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!gp.running) throw new Error(`${d} in ${this.ns} exited at start: ${this.log(d)}`);
      const r = await this.vtysh([probe], 2000);
      if (r.code === 0 && (d !== 'bgpd' || /router bgp/.test(r.stdout))) return;
      await sleep(50);
    }
    throw new Error(`${d} in ${this.ns} did not come up: ${this.log(d)}`);
  }

  vtysh(commands: string[], timeoutMs = 5000) {
    return run('vtysh', ['--vty_socket', this.dir, ...commands.flatMap((c) => ['-c', c])], timeoutMs);
  }

  async show(command: string): Promise<string> {
    return must('vtysh', ['--vty_socket', this.dir, '-c', command], 5000);
  }

  pid(d: FrrDaemon): number | null {
    try {
      return Number(readFileSync(join(this.dir, `${d}.pid`), 'utf8').trim()) || null;
    } catch {
      return this.procs.get(d)?.pid ?? null;
    }
  }

  signal(d: FrrDaemon, signal: NodeJS.Signals): void {
    const pid = this.pid(d);
    if (pid && alive(pid)) process.kill(pid, signal);
  }

  /** kill -9 of one daemon; waits until it is gone. */
  async kill9(d: FrrDaemon): Promise<void> {
    this.signal(d, 'SIGKILL');
    await this.procs.get(d)?.exited;
    this.procs.delete(d);
  }

  /** bgpd killed and started again: it comes back with only its config file. */
  async restartBgpd(): Promise<void> {
    await this.kill9('bgpd');
    await this.startDaemon('bgpd');
  }

  async stop(): Promise<void> {
    for (const d of [...DAEMONS].reverse()) {
      const gp = this.procs.get(d);
      if (!gp) continue;
      this.signal(d, 'SIGCONT');
      gp.destroy();
      await Promise.race([gp.exited, sleep(3000)]);
      this.procs.delete(d);
    }
  }

  log(d: FrrDaemon): string {
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').slice(-2000) : '');
    return read(join(this.dir, `${d}.log`)) + read(join(this.dir, `${d}.out`));
  }
}

/** FRR's daemons and vtysh present: what the FRR tests need. Empty when all is there. */
export function frrPrerequisites(): string[] {
  const missing: string[] = [];
  for (const d of DAEMONS) if (!existsSync(join(FRR_BIN, d))) missing.push(`${FRR_BIN}/${d} (Debian frr)`);
  if (spawnSync('vtysh', ['--help']).error) missing.push('vtysh (Debian frr)');
  if (spawnSync('id', ['-u', 'frr']).status !== 0) missing.push('user frr (Debian frr)');
  return missing;
}
