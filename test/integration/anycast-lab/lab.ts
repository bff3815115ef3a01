// The anycast lab: a router namespace running BIRD with ECMP into its kernel table, and node namespaces, each with
// 192.0.2.1/32 on lo, its own routing daemon (BIRD, or FRR's bgpd) peering with the router over a veth, and its own
// `anycastd serve` steering it.
// Everything it creates lives inside its own namespaces (random suffix) and one temp dir, and `teardown()` removes
// it all: processes by pid / process group, namespaces with `ip netns del`, the temp dir.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NsAgent } from './agent-client.js';
import { controlCall } from '../../../src/control/control-client.js';
import type { ControlCommand } from '../../../src/control/control-protocol.js';
import { ANYCAST, ANYCAST_PREFIX, CLI, GroupProcess, HTTP, NODES, type NodeName, ROUTER_AS, type RunResult, ZONE, must, nodeAddr, nodeAs, nodeIndex, routerAddr, run, sleep } from './base.js';
import { Bird } from './bird.js';
import { Frr } from './frr.js';
import { parseRunningConfig } from '../../../src/frr/config.js';
import { RouteWatcher } from './route-watcher.js';

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

/** The routing daemon on the nodes (the router always runs BIRD). */
export type NodeDaemon = 'bird' | 'frr';

export interface ServeOptions {
  zonesDir?: string;
  extraArgs?: string[];
}

export class LabNode {
  readonly ns: string;
  readonly dir: string;
  readonly include: string;
  readonly zonesDir: string;
  /** The node's --control-socket: a path on the shared filesystem, so the test process reaches it from outside the namespace. */
  readonly controlSocket: string;
  readonly bird: Bird;
  /** FRR (zebra, staticd, bgpd) when the lab runs FRR on the nodes. */
  readonly frr: Frr | null;
  agent!: NsAgent;
  service: GroupProcess | null = null;
  serviceLog = '';
  private starts = 0;

  constructor(readonly lab: Lab, readonly name: NodeName) {
    this.ns = `${lab.prefix}-${name}`;
    this.dir = join(lab.dir, name);
    this.include = join(this.dir, 'bird-anycast.conf');
    this.zonesDir = join(this.dir, 'zones');
    this.controlSocket = join(this.dir, 'control.sock');
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
    if (lab.daemon === 'frr') {
      const frrDir = join(this.dir, 'frr');
      mkdirSync(frrDir);
      // The operator's part of frr.conf: router bgp, the upstream, and the ANYCASTD-OUT route-map on it.
      this.frr = new Frr(
        this.ns,
        frrDir,
        [
          'frr defaults traditional',
          `hostname ${name}`,
          `router bgp ${as}`,
          ` bgp router-id ${nodeAddr(name)}`,
          ' no bgp ebgp-requires-policy',
          // As frr/frr.conf: a dead bgpd must take the route with it (no graceful-restart retention at the router).
          ' bgp graceful-restart-disable',
          // As frr/frr.conf: a changed update group sends at once (default: 1000 ms + 50 ms per peer).
          ' coalesce-time 0',
          ' timers bgp 2 6',
          ` neighbor ${routerAddr(name)} remote-as ${ROUTER_AS}`,
          ` neighbor ${routerAddr(name)} timers connect 1`,
          ` neighbor ${routerAddr(name)} advertisement-interval 0`,
          ' address-family ipv4 unicast',
          `  neighbor ${routerAddr(name)} route-map ANYCASTD-OUT out`,
          ' exit-address-family',
          'exit',
          '',
        ].join('\n'),
      );
    } else {
      this.frr = null;
    }
  }

  /** The flags that point anycastd at this node's routing daemon. */
  routingArgs(): string[] {
    return this.frr ? ['--router', 'frr', '--frr-vtysh', this.frr.vtyshCommand] : ['--bird-include', this.include, '--bird-socket', this.bird.ctl];
  }

  /** The ExecStopPost equivalent, run inside the node's namespace. */
  withdrawCmd(): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.ns, process.execPath, CLI, 'withdraw', ...this.routingArgs(), '--anycast', ANYCAST_PREFIX], 15_000);
  }

  async startDaemon(): Promise<void> {
    if (this.frr) await this.frr.start();
    else await this.bird.start();
  }

  async stopDaemon(): Promise<void> {
    if (this.frr) await this.frr.stop();
    else await this.bird.stop();
  }

  /** kill -9 of the daemon that speaks BGP (bird, or bgpd), then start it again with only its config file. */
  async killDaemon9(): Promise<void> {
    if (this.frr) await this.frr.kill9('bgpd');
    else await this.bird.kill9();
  }

  async restartKilledDaemon(): Promise<void> {
    if (this.frr) await this.frr.startDaemon('bgpd');
    else await this.bird.start();
  }

  /** The state the daemon holds for the anycast prefix: BIRD's include header, or the ANYCASTD list bgpd has it in. */
  async routingState(): Promise<string> {
    if (!this.frr) return /^# state: (\S+)$/m.exec(readFileSync(this.include, 'utf8'))?.[1] ?? 'unknown';
    const obs = parseRunningConfig((await this.frr.vtysh(['show running-config bgpd'])).stdout);
    const lists = [...obs.prefixLists].filter(([, entries]) => entries.some((e) => e.prefix === ANYCAST_PREFIX)).map(([name]) => name);
    if (obs.routeMap.has(50) || lists.includes('ANYCASTD-WITHDRAW-V4')) return 'withdraw';
    if (lists.includes('ANYCASTD-DEPREFER-V4')) return 'deprefer';
    if (lists.includes('ANYCASTD-ANNOUNCE-V4')) return 'announce';
    return 'withdraw'; // no list (fresh bgpd): denied by the missing route-map
  }

  /** One control-socket command (drain, undrain, debug-block, ...), as the operator's CLI sends it. */
  control<T = unknown>(cmd: ControlCommand, args: Record<string, number> = {}, timeoutMs = 5000): Promise<T> {
    return controlCall<T>(this.controlSocket, cmd, args, timeoutMs);
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
      ...this.routingArgs(),
      '--http', HTTP,
      '--control-socket', this.controlSocket,
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

  constructor(nodeNames: readonly NodeName[] = NODES, readonly daemon: NodeDaemon = 'bird') {
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
      // (FRR needs nothing: its frr.conf has no ANYCASTD-OUT yet, which denies everything.)
      if (!node.frr) {
        const w = await node.withdrawCmd();
        if (w.code !== 0 || !existsSync(node.include)) throw new Error(`${node.name}: anycastd withdraw failed: ${w.stderr}`);
      }
    }
    const routerDir = join(this.dir, 'router');
    mkdirSync(routerDir);
    const conf = join(routerDir, 'bird.conf');
    writeFileSync(conf, routerConf);
    this.routerBird = new Bird(r, routerDir, conf);
    await this.routerBird.start();
    for (const node of this.nodes.values()) await node.startDaemon();
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
      await step(`${node.name} ${this.daemon}`, () => node.stopDaemon());
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

// Everything the scenarios use, from one module.
export * from './base.js';
export * from './agent-client.js';
export * from './route-watcher.js';
export * from './bird.js';
export * from './frr.js';
