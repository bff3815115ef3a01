// Test helper: Knot DNS as a hidden primary (block-style YAML; Knot refuses flow-style maps), with a TSIG key from
// `keymgr -t`, an ACL that wants it for transfers, NOTIFY to the node under test, and a journal so that
// editing a zone file and `knotc zone-reload` produces an IXFR.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/server.js';
import { formatTsigKey, type TsigKey } from '../../../src/xfr/tsig-keys.js';

export const knotd = ['/usr/sbin/knotd', '/usr/local/sbin/knotd'].find((p) => spawnSync(p, ['--version']).status === 0);
export const knotMissing = knotd === undefined ? 'knotd is not installed (apt-get install knot)' : null;

export interface KnotPrimaryOptions {
  zones: Record<string, string>;
  /** Where NOTIFY goes (the node under test); none when null. */
  notifyPort: number | null;
  keyName?: string;
  /** A catalog zone that Knot generates from the member zones (catalog-role: generate). */
  catalog?: string;
  /** Zones that are members of the catalog. */
  members?: string[];
  /** Where knotd listens and whom the transfer ACL admits (default 127.0.0.1 and 127.0.0.0/8). */
  listen?: string;
  aclAddress?: string;
  /** Run knotd inside this network namespace (the anycast lab's router). */
  netns?: string;
}

export class KnotPrimary {
  port = 0;
  readonly dir = mkdtempSync(join(tmpdir(), 'anycastd-knot-primary-'));
  key!: TsigKey;
  private proc: ChildProcess | null = null;
  log = '';

  constructor(private readonly opts: KnotPrimaryOptions) {}


  /** The key in tsig-keygen format, written for anycastd's --tsig-keys. */
  keyFile(): string {
    const file = join(this.dir, 'tsig.key');
    writeFileSync(file, formatTsigKey(this.key));
    return file;
  }

  setZone(zone: string, text: string): void {
    writeFileSync(join(this.dir, `${zone}zone`), text);
  }

  private config(): string {
    const name = this.opts.keyName ?? 'xfrkey';
    const notify = this.opts.notifyPort === null ? '' : `    notify: node\n`;
    const remote = this.opts.notifyPort === null ? '' : `remote:\n  - id: node\n    address: 127.0.0.1@${this.opts.notifyPort}\n    key: ${name}\n`;
    const catalog = this.opts.catalog;
    const members = new Set(this.opts.members ?? []);
    const zones = Object.keys(this.opts.zones)
      .map((z) => `  - domain: ${z}\n    file: "${join(this.dir, `${z}zone`)}"\n` + (members.has(z) ? `    catalog-role: member\n    catalog-zone: ${catalog}\n` : ''))
      .join('');
    const catalogZone = catalog ? `  - domain: ${catalog}\n    catalog-role: generate\n` : '';
    return (
      `server:\n  rundir: "${this.dir}"\n  listen: ${this.opts.listen ?? '127.0.0.1'}@${this.port}\n` +
      `control:\n  listen: "${join(this.dir, 'knot.sock')}"\n` +
      `database:\n  storage: "${join(this.dir, 'db')}"\n` +
      `log:\n  - target: stderr\n    any: info\n` +
      `key:\n  - id: ${name}\n    algorithm: ${this.key.algorithm}\n    secret: ${this.key.secret.toString('base64')}\n` +
      remote +
      `acl:\n  - id: xfr\n    address: ${this.opts.aclAddress ?? '127.0.0.0/8'}\n    key: ${name}\n    action: transfer\n` +
      `template:\n  - id: default\n    storage: "${this.dir}"\n    zonefile-sync: -1\n    zonefile-load: difference\n    journal-content: changes\n    acl: xfr\n${notify}` +
      `zone:\n${zones}${catalogZone}`
    );
  }

  async start(): Promise<void> {
    const name = this.opts.keyName ?? 'xfrkey';
    if (!this.key) {
      const out = execFileSync('keymgr', ['-t', name, 'hmac-sha256'], { encoding: 'utf8' });
      const secret = /secret:\s*(\S+)/.exec(out)![1];
      this.key = { name: `${name}.`, algorithm: 'hmac-sha256', secret: Buffer.from(secret, 'base64') };
    }
    if (this.port === 0) this.port = await freePort();
    for (const [zone, text] of Object.entries(this.opts.zones)) this.setZone(zone, text);
    writeFileSync(join(this.dir, 'knot.conf'), this.config());
    // Knot 3.2 does not create the database directory: without it the journal fails ("not exists") and no IXFR.
    mkdirSync(join(this.dir, 'db'), { recursive: true });
    const argv = [knotd as string, '-c', join(this.dir, 'knot.conf')];
    if (this.opts.netns) argv.unshift('ip', 'netns', 'exec', this.opts.netns);
    this.proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!Object.keys(this.opts.zones).every((z) => this.log.includes(`[${z}] loaded`))) {
      if (Date.now() > deadline) throw new Error(`knotd did not load its zones:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** New zone set and catalog membership: rewrites the config and `knotc reload` (the generated catalog follows). */
  reconfigure(zones: Record<string, string>, members: string[]): void {
    this.opts.zones = zones;
    this.opts.members = members;
    for (const [zone, text] of Object.entries(zones)) this.setZone(zone, text);
    writeFileSync(join(this.dir, 'knot.conf'), this.config());
    this.knotc('reload');
  }

  knotc(...args: string[]): string {
    return execFileSync('knotc', ['-s', join(this.dir, 'knot.sock'), ...args], { encoding: 'utf8' });
  }

  /** Edit a zone file, then reload: Knot computes the difference, journals it and sends NOTIFY. */
  update(zone: string, text: string): void {
    this.setZone(zone, text);
    this.knotc('zone-reload', zone);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
