// The anycast lab: a router namespace running BIRD with ECMP into its kernel table, and node namespaces, each with
// 192.0.2.1/32 on lo, its own BIRD peering with the router over a veth, and its own `anycastd serve`.
// Everything it creates lives inside its own namespaces (random suffix) and one temp dir, and `teardown()` removes
// it all: processes by pid / process group, namespaces with `ip netns del`, the temp dir.

import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CLI = join(REPO, 'dist/cli/main.js');
const AGENT = fileURLToPath(new URL('./ns-agent.mjs', import.meta.url));

export const ANYCAST = '192.0.2.1';
export const ANYCAST_PREFIX = `${ANYCAST}/32`;
export const ZONE = 'lab.test';
export const HTTP_PORT = 8053;
export const HTTP = `127.0.0.1:${HTTP_PORT}`;
export const ROUTER_AS = 65000;

export type NodeName = 'node1' | 'node2' | 'node3';
export const NODES: readonly NodeName[] = ['node1', 'node2', 'node3'];

/** Link addresses (RFC 2544 benchmarking range, only inside the namespaces): router .1, node .2 of 198.18.N.0/30. */
export function nodeIndex(node: NodeName): number {
  return Number(node.slice(4));
}
export const routerAddr = (node: NodeName): string => `198.18.${nodeIndex(node)}.1`;
export const nodeAddr = (node: NodeName): string => `198.18.${nodeIndex(node)}.2`;
export const nodeAs = (node: NodeName): number => 65000 + nodeIndex(node);
/** Which node a router nexthop (gateway) leads to. */
export function nodeOfGateway(gw: string): NodeName | null {
  const m = /^198\.18\.(\d)\.2$/.exec(gw);
  return m ? (`node${m[1]}` as NodeName) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion (bounded by timeoutMs); never throws for a non-zero exit. */
export function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const errCode = (err as { code?: unknown } | null)?.code;
      const code = err ? (typeof errCode === 'number' ? errCode : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: performance.now() - t0 });
    });
  });
}

/** Like run(), but a non-zero exit is an error. */
export async function must(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
}

/** A process started detached (its own process group), so it and all its children can be killed at once. */
export class GroupProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(readonly name: string, readonly proc: ChildProcess) {
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** kill -9 of the whole process group (the primary and its forked workers), then waits until all are gone. */
  async kill9(): Promise<void> {
    killGroup(this.pid, 'SIGKILL');
    await this.exited;
    // Children (cluster workers) are in the same group; wait for them too.
    for (let i = 0; i < 100 && groupMembers(this.pid).length > 0; i++) await sleep(20);
  }

  /** SIGTERM to the leader only (as systemd's KillMode=mixed does first), SIGKILL of the group after graceMs. */
  async term(graceMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const t0 = performance.now();
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      // gone
    }
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    killGroup(this.pid, 'SIGKILL');
    return { ...info, ms: performance.now() - t0 };
  }

  /** Teardown: whatever state it is in, nothing of it survives. */
  destroy(): void {
    killGroup(this.pid, 'SIGKILL');
  }
}

/** Pids in process group pgid (from /proc, so it sees processes in every network namespace). */
export function groupMembers(pgid: number): number[] {
  const r = spawnSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Agents: a helper process per namespace for HTTP and DNS from inside it

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class NsAgent {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly gp: GroupProcess;
  private ready!: Promise<void>;

  constructor(readonly ns: string) {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, AGENT], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, cwd: REPO });
    this.gp = new GroupProcess(`agent ${ns}`, proc);
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    this.ready = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`agent in ${ns} did not start: ${stderr}`)), 10_000);
      this.pending.set(0, { resolve: () => (clearTimeout(t), resolve()), reject, timer: t });
    });
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      let msg: { id: number; ok: boolean; result?: unknown; error?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`agent ${ns}: ${msg.error}`));
    });
    void this.gp.exited.then(() => {
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`agent in ${ns} exited: ${stderr}`));
      }
      this.pending.clear();
    });
  }

  start(): Promise<void> {
    return this.ready;
  }

  request<T>(op: string, args: object, timeoutMs = 30_000): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`agent ${this.ns}: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.gp.proc.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  http(method: 'GET' | 'POST', path: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
    return this.request('http', { method, url: `http://${HTTP}${path}`, timeoutMs }, timeoutMs + 2000);
  }

  async status(): Promise<ServiceStatus> {
    const r = await this.http('GET', '/status');
    if (r.status !== 200) throw new Error(`GET /status: HTTP ${r.status}`);
    return JSON.parse(r.body) as ServiceStatus;
  }

  query(name: string, type = 'A', timeoutMs = 1000, server = ANYCAST): Promise<QueryReply> {
    return this.request('query', { server, port: 53, name, type, timeoutMs }, timeoutMs + 5000);
  }

  probe(count: number, opts: { name?: string; type?: string; timeoutMs?: number; server?: string } = {}): Promise<ProbeResult> {
    return this.request('probe', { server: opts.server ?? ANYCAST, port: 53, name: opts.name ?? `www.${ZONE}`, type: opts.type ?? 'A', count, timeoutMs: opts.timeoutMs ?? 1000, concurrency: 16 }, 60_000);
  }

  steadyStart(opts: { qps: number; maxMs: number; sockets?: number; timeoutMs?: number; server?: string; name?: string }): Promise<{ startedAt: number }> {
    return this.request('steadyStart', { server: opts.server ?? ANYCAST, port: 53, name: opts.name ?? `www.${ZONE}`, type: 'A', qps: opts.qps, sockets: opts.sockets ?? 32, timeoutMs: opts.timeoutMs ?? 1000, maxMs: opts.maxMs, bucketMs: 100 });
  }

  steadyStop(): Promise<SteadyResult> {
    return this.request('steadyStop', {}, 70_000);
  }

  close(): void {
    this.gp.proc.stdin?.end();
    this.gp.destroy();
  }
}

export interface QueryReply {
  lost?: boolean;
  rcode?: string;
  aa?: boolean;
  nsid?: string | null;
  serial?: number | null;
  ms: number;
}

export interface ProbeResult {
  sent: number;
  answered: number;
  lost: number;
  byNsid: Record<string, number>;
  rcodes: Record<string, number>;
}

export interface SteadyResult {
  startedAt: number;
  stoppedAt: number;
  sent: number;
  answered: number;
  lost: number;
  late: number;
  maxLatencyMs: number;
  /** Sweeps skipped because the client process itself was stalled (host busy), and the longest stall. */
  clientStalls: number;
  maxClientStallMs: number;
  byNsid: Record<string, number>;
  lostAt: number[];
  buckets: { t: number; sent: number; lost: number; byNsid: Record<string, number> }[];
}

export interface ServiceStatus {
  state: string;
  routing: string;
  reason: string;
  since: number;
  waitingFor: string | null;
  holdDownMs: number;
  flapScore: number;
  draining: boolean;
  qps: number;
  zones: { origin: string | null; file: string; serial: number | null; lastError: string | null; [k: string]: unknown }[];
  bird: { written: { state: string } | null; lastReload: { ok: boolean; at: number; code?: number } | null; lastError: unknown } | null;
  transitions: { from: string; to: string; reason: string; at: number }[];
  [k: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------------------
// The router's FIB, sampled continuously

export interface RouteSample {
  /** Date.now() when the `ip route` read started and ended: the route was in this state somewhere in between. */
  t0: number;
  t: number;
  hops: NodeName[];
}

export function parseRouteJson(json: string): NodeName[] {
  const routes = JSON.parse(json || '[]') as { gateway?: string; nexthops?: { gateway?: string }[] }[];
  const hops: NodeName[] = [];
  for (const r of routes) {
    const gws = r.nexthops ? r.nexthops.map((h) => h.gateway) : [r.gateway];
    for (const gw of gws) {
      const n = gw ? nodeOfGateway(gw) : null;
      if (n && !hops.includes(n)) hops.push(n);
    }
  }
  return hops.sort();
}

/**
 * Reads `ip -n ROUTER -j route show 192.0.2.1/32` whenever `ip monitor route` reports a change, and every
 * `idleMs` besides, keeping every sample. Event-driven rather than polled back to back: spawning `ip`
 * a hundred times a second cost the lab a core, and the timings it measures are what that slowed down.
 */
export class RouteWatcher {
  readonly samples: RouteSample[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  private monitor: ChildProcess | null = null;
  private wake: (() => void) | null = null;
  private dirty = true;
  errors = 0;

  constructor(private readonly ns: string, private readonly idleMs = 100) {}

  start(): void {
    this.monitor = spawn('ip', ['-n', this.ns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor.stdout!.on('data', () => {
      this.dirty = true;
      this.wake?.();
    });
    this.loop = (async () => {
      while (!this.stopped) {
        if (!this.dirty) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, this.idleMs);
            this.wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          this.wake = null;
        }
        this.dirty = false;
        const t0 = Date.now();
        const r = await run('ip', ['-n', this.ns, '-j', 'route', 'show', ANYCAST_PREFIX], 5000);
        const t = Date.now();
        if (r.code === 0) {
          try {
            this.samples.push({ t0, t, hops: parseRouteJson(r.stdout) });
          } catch {
            this.errors++;
          }
        } else {
          this.errors++;
        }
        if (this.samples.length > 200_000) this.samples.splice(0, 100_000);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.monitor?.kill();
    await this.loop;
  }

  get latest(): RouteSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** Samples whose read started at or after `since` (Date.now() ms). */
  since(since: number, until = Infinity): RouteSample[] {
    return this.samples.filter((s) => s.t0 >= since && s.t <= until);
  }

  /** The first sample started at or after `since` that satisfies pred; rejects after timeoutMs. */
  async waitFor(pred: (hops: NodeName[]) => boolean, since: number, timeoutMs: number, what: string): Promise<RouteSample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.samples.find((s) => s.t0 >= since && pred(s.hops));
      if (hit) return hit;
      if (Date.now() > deadline) {
        const last = this.latest;
        throw new Error(`router FIB: ${what} not seen within ${timeoutMs} ms (latest nexthops: ${last ? JSON.stringify(last.hops) : 'none'})`);
      }
      await sleep(10);
    }
  }

  /** Changes of the nexthop set among samples since `since`: [{t, from, to}]. */
  changes(since: number, until = Infinity): { t: number; from: NodeName[]; to: NodeName[] }[] {
    const out: { t: number; from: NodeName[]; to: NodeName[] }[] = [];
    let prev: NodeName[] | null = null;
    for (const s of this.samples) {
      if (s.t > until) break;
      if (s.t0 < since) {
        prev = s.hops;
        continue;
      }
      if (prev && prev.join(',') !== s.hops.join(',')) out.push({ t: s.t, from: prev, to: s.hops });
      prev = s.hops;
    }
    return out;
  }
}

export const has = (node: NodeName) => (hops: NodeName[]): boolean => hops.includes(node);
export const lacks = (node: NodeName) => (hops: NodeName[]): boolean => !hops.includes(node);
export const exactly = (...nodes: NodeName[]) => (hops: NodeName[]): boolean => hops.join(',') === [...nodes].sort().join(',');

// ---------------------------------------------------------------------------------------------------------------
// BIRD

export interface BirdRoute {
  proto: string;
  primary: boolean;
  asPath: number[];
}

/** Parses `birdc show route for P all`: one entry per route, with its protocol and AS path. */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const out: BirdRoute[] = [];
  for (const line of text.split('\n')) {
    const m = /\s(?:unicast|blackhole|unreachable|prohibited)\s+\[(\S+)\s[^\]]*\]\s*(\*)?/.exec(line);
    if (m) {
      out.push({ proto: m[1], primary: m[2] === '*', asPath: [] });
      continue;
    }
    const p = /BGP\.as_path:\s*(.*)$/.exec(line);
    if (p && out.length) out[out.length - 1].asPath = p[1].trim().split(/\s+/).filter(Boolean).map(Number);
  }
  return out;
}

export class Bird {
  proc: GroupProcess | null = null;
  readonly ctl: string;
  readonly pidFile: string;
  readonly logFile: string;

  constructor(readonly ns: string, readonly dir: string, readonly conf: string) {
    this.ctl = join(dir, 'bird.ctl');
    this.pidFile = join(dir, 'bird.pid');
    this.logFile = join(dir, 'bird.log');
  }

  /** `bird -f -c CONF -s SOCK -P PID` inside the namespace (foreground, so we reap it); waits for its socket. */
  async start(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    const proc = spawn('ip', ['netns', 'exec', this.ns, 'bird', '-f', '-c', this.conf, '-s', this.ctl, '-P', this.pidFile], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    closeSync(out);
    this.proc = new GroupProcess(`bird ${this.ns}`, proc);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.proc.running) throw new Error(`bird in ${this.ns} exited at start: ${this.log()}`);
      const r = await run('birdc', ['-s', this.ctl, 'show', 'status'], 2000);
      if (r.code === 0 && /Daemon is up and running/.test(r.stdout)) return;
      await sleep(50);
    }
    throw new Error(`bird in ${this.ns} did not come up: ${this.log()}`);
  }

  pid(): number | null {
    try {
      return Number(readFileSync(this.pidFile, 'utf8').trim()) || null;
    } catch {
      return this.proc?.pid ?? null;
    }
  }

  /** kill -9 (by pid file), and waits until it is gone. */
  async kill9(): Promise<void> {
    const pid = this.pid();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    if (this.proc) await this.proc.exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid && alive(pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    if (this.proc) {
      const t = setTimeout(() => this.proc?.destroy(), 3000);
      await this.proc.exited;
      clearTimeout(t);
    }
    this.proc = null;
  }

  birdc(...args: string[]): Promise<string> {
    return must('birdc', ['-s', this.ctl, ...args], 5000);
  }

  async routes(prefix = ANYCAST_PREFIX): Promise<BirdRoute[]> {
    return parseBirdRoutes(await this.birdc('show', 'route', 'for', prefix, 'all'));
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Zones

export function zoneText(serial: number, extra = ''): string {
  return (
    `$ORIGIN ${ZONE}.\n$TTL 60\n` +
    `@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 60\n` +
    `  IN NS ns1\n` +
    `ns1 IN A ${ANYCAST}\n` +
    `www IN A 192.0.2.80\n` +
    extra
  );
}

/** Writes a file the way zone deployers should: a hidden temp file in the same directory, then rename. */
export function writeAtomic(path: string, text: string): void {
  const slash = path.lastIndexOf('/');
  const tmp = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------------------------
// The lab

export interface ServeOptions {
  zonesDir?: string;
  extraArgs?: string[];
}

export class LabNode {
  readonly ns: string;
  readonly dir: string;
  readonly include: string;
  readonly zonesDir: string;
  readonly bird: Bird;
  agent!: NsAgent;
  service: GroupProcess | null = null;
  serviceLog = '';
  private starts = 0;

  constructor(readonly lab: Lab, readonly name: NodeName) {
    this.ns = `${lab.prefix}-${name}`;
    this.dir = join(lab.dir, name);
    this.include = join(this.dir, 'bird-anycast.conf');
    this.zonesDir = join(this.dir, 'zones');
    mkdirSync(this.zonesDir, { recursive: true });
    const conf = join(this.dir, 'bird.conf');
    const as = nodeAs(name);
    writeFileSync(
      conf,
      `# anycast lab: ${name}\n` +
        `router id ${nodeAddr(name)};\n` +
        `log "${join(this.dir, 'bird-events.log')}" all;\n` +
        `protocol device { scan time 10; }\n` +
        `include "${this.include}";\n` +
        `protocol bgp upstream {\n` +
        `  local ${nodeAddr(name)} as ${as};\n` +
        `  neighbor ${routerAddr(name)} as ${ROUTER_AS};\n` +
        `  connect delay time 1; connect retry time 1; error wait time 1, 2; hold time 6;\n` +
        `  ipv4 { import none; export where anycastd_export(${as}); };\n` +
        `}\n`,
    );
    this.bird = new Bird(this.ns, this.dir, conf);
  }

  /** The ExecStopPost equivalent, run inside the node's namespace. */
  withdrawCmd(): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.ns, process.execPath, CLI, 'withdraw', '--bird-include', this.include, '--bird-socket', this.bird.ctl, '--anycast', ANYCAST_PREFIX], 15_000);
  }

  cli(args: string[], timeoutMs = 30_000): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.ns, process.execPath, CLI, ...args], timeoutMs);
  }

  serveArgs(opts: ServeOptions = {}): string[] {
    return [
      'serve',
      '--listen', `${ANYCAST}:53`,
      '--zones', opts.zonesDir ?? this.zonesDir,
      '--nsid', this.name,
      '--anycast', ANYCAST_PREFIX,
      '--bird-include', this.include,
      '--bird-socket', this.bird.ctl,
      '--http', HTTP,
      '--check-interval', '200',
      '--rise', '2',
      '--fall', '2',
      '--hold-down', '2000',
      // Induced load (scenario 5) holds the loop 100 ms in 200: lag p99 ~100 ms is over 60, while a probe
      // waits at most ~100 ms, well inside the 150 ms check timeout, so overload de-prefers and never fails.
      '--max-lag-ms', '60',
      '--debug-endpoints',
      '--drain-ms', '1000',
      ...(opts.extraArgs ?? []),
    ];
  }

  /** Starts `anycastd serve` in the namespace, detached (own process group); waits until /status answers. */
  async startService(opts: ServeOptions = {}): Promise<void> {
    if (this.service?.running) throw new Error(`${this.name}: service already running`);
    this.starts++;
    this.serviceLog = join(this.dir, `serve-${this.starts}.log`);
    const out = openSync(this.serviceLog, 'a');
    const proc = spawn('ip', ['netns', 'exec', this.ns, process.execPath, CLI, ...this.serveArgs(opts)], {
      stdio: ['ignore', out, out],
      detached: true,
      cwd: this.dir,
    });
    closeSync(out);
    this.service = new GroupProcess(`anycastd ${this.name}`, proc);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!this.service.running) throw new Error(`${this.name}: anycastd exited at start ${JSON.stringify(this.service.exitInfo)}: ${this.logTail()}`);
      try {
        await this.agent.status();
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`${this.name}: anycastd /status not reachable: ${this.logTail()}`);
  }

  logTail(chars = 3000): string {
    try {
      return readFileSync(this.serviceLog, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  /** Lines of the current service log (JSON, pino), parsed. */
  logEntries(): Record<string, unknown>[] {
    try {
      return readFileSync(this.serviceLog, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        });
    } catch {
      return [];
    }
  }
}

export class Lab {
  readonly prefix: string;
  readonly dir: string;
  readonly routerNs: string;
  routerBird!: Bird;
  routerAgent!: NsAgent;
  readonly nodes = new Map<NodeName, LabNode>();
  routes!: RouteWatcher;
  private readonly namespaces: string[] = [];
  private tornDown = false;
  /** If the test process dies without afterAll (killed runner), still leave nothing behind. */
  private readonly onExit = (): void => this.teardownSync();

  constructor(nodeNames: readonly NodeName[] = NODES) {
    const suffix = Math.random().toString(36).slice(2, 8);
    this.prefix = `acl${suffix}`;
    this.dir = mkdtempSync(join(tmpdir(), 'anycastd-lab-'));
    this.routerNs = `${this.prefix}-router`;
    for (const n of nodeNames) this.nodes.set(n, new LabNode(this, n));
    process.once('exit', this.onExit);
  }

  node(name: NodeName): LabNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no ${name} in this lab`);
    return n;
  }

  private async addNs(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  async setup(): Promise<void> {
    await this.addNs(this.routerNs);
    const r = this.routerNs;
    // The router is also the client: hash locally sent flows on ports too (policy 1), so different source ports
    // take different nexthops. Per namespace; the host's own setting is untouched.
    await must('ip', ['netns', 'exec', r, 'sysctl', '-qw', 'net.ipv4.fib_multipath_hash_policy=1']);
    let routerConf =
      `# anycast lab: router\n` +
      `router id 198.18.0.1;\n` +
      `log "${join(this.dir, 'router-bird-events.log')}" all;\n` +
      `debug protocols { states, events };\n` +
      `protocol device { scan time 10; }\n` +
      `# ECMP into the kernel: equal BGP routes (same AS-path length, ...) become one multipath route.\n` +
      `protocol kernel { ipv4 { import none; export all; }; merge paths on; }\n` +
      `template bgp lab_node {\n` +
      `  local as ${ROUTER_AS};\n` +
      `  connect delay time 1; connect retry time 1; error wait time 1, 2; hold time 6;\n` +
      `  ipv4 { import all; export none; };\n` +
      `}\n`;
    for (const node of this.nodes.values()) {
      await this.addNs(node.ns);
      const i = nodeIndex(node.name);
      await must('ip', ['-n', r, 'link', 'add', `to-n${i}`, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', node.ns]);
      await must('ip', ['-n', r, 'addr', 'add', `${routerAddr(node.name)}/30`, 'dev', `to-n${i}`]);
      await must('ip', ['-n', r, 'link', 'set', `to-n${i}`, 'up']);
      await must('ip', ['-n', node.ns, 'addr', 'add', `${nodeAddr(node.name)}/30`, 'dev', 'uplink']);
      await must('ip', ['-n', node.ns, 'link', 'set', 'uplink', 'up']);
      await must('ip', ['-n', node.ns, 'addr', 'add', ANYCAST_PREFIX, 'dev', 'lo']);
      routerConf += `protocol bgp ${node.name} from lab_node { neighbor ${nodeAddr(node.name)} as ${nodeAs(node.name)}; }\n`;
      // The include must exist before BIRD starts: what a bird.service drop-in does with `anycastd withdraw`.
      const w = await node.withdrawCmd();
      if (w.code !== 0 || !existsSync(node.include)) throw new Error(`${node.name}: anycastd withdraw failed: ${w.stderr}`);
    }
    const routerDir = join(this.dir, 'router');
    mkdirSync(routerDir);
    const conf = join(routerDir, 'bird.conf');
    writeFileSync(conf, routerConf);
    this.routerBird = new Bird(r, routerDir, conf);
    await this.routerBird.start();
    for (const node of this.nodes.values()) await node.bird.start();
    this.routerAgent = new NsAgent(r);
    await this.routerAgent.start();
    for (const node of this.nodes.values()) {
      node.agent = new NsAgent(node.ns);
      await node.agent.start();
    }
    this.routes = new RouteWatcher(r);
    this.routes.start();
    // Every BGP session up before any scenario starts.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const out = await this.routerBird.birdc('show', 'protocols');
      const down = [...this.nodes.keys()].filter((n) => !new RegExp(`^${n}\\s.*Established`, 'm').test(out));
      if (down.length === 0) break;
      if (Date.now() > deadline) throw new Error(`BGP sessions not established: ${down.join(', ')}\n${out}`);
      await sleep(100);
    }
  }

  /** Last resort, synchronous: kill everything in our namespaces, delete them and the temp dir. */
  teardownSync(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const node of this.nodes.values()) node.service?.destroy();
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split('\n').map(Number).filter((x) => x > 0)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    process.off('exit', this.onExit);
    const errors: string[] = [];
    const step = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message}`);
      }
    };
    await step('route watcher', () => this.routes?.stop());
    for (const node of this.nodes.values()) {
      await step(`${node.name} service`, () => node.service?.destroy());
      await step(`${node.name} agent`, () => node.agent?.close());
      await step(`${node.name} bird`, () => node.bird.stop());
    }
    await step('router agent', () => this.routerAgent?.close());
    await step('router bird', () => this.routerBird?.stop());
    // Anything still running inside our namespaces (a stray grandchild) goes too, then the namespaces.
    for (const ns of this.namespaces) {
      await step(`pids in ${ns}`, async () => {
        const r = await run('ip', ['netns', 'pids', ns]);
        for (const pid of r.stdout.split('\n').map(Number).filter((n) => n > 0)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      });
      await step(`netns del ${ns}`, () => must('ip', ['netns', 'del', ns]));
    }
    await step('temp dir', () => rmSync(this.dir, { recursive: true, force: true }));
    if (errors.length) console.warn(`anycast lab teardown: ${errors.join('; ')}`);
  }
}

/** Root, `bird`/`birdc` and `ip` present, and the built CLI: what the lab needs. Empty when all is there. */
export function labPrerequisites(): string[] {
  const missing: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root (network namespaces)');
  if (spawnSync('bird', ['--version']).status !== 0) missing.push('bird (Debian bird2)');
  if (spawnSync('birdc', ['-h']).error) missing.push('birdc (Debian bird2)');
  if (spawnSync('ip', ['-V']).status !== 0) missing.push('ip (iproute2)');
  if (!existsSync(CLI)) missing.push(`${CLI} (run \`npm run build\` first)`);
  return missing;
}
