// Client side of ns-agent.mjs: a helper process inside a namespace that does HTTP and DNS from there.

import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { AGENT, ANYCAST, GroupProcess, HTTP, REPO, ZONE } from './base.js';

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

  /** Thousands of HTTP clients plus slowloris ones against this namespace's --http address, for durationMs. */
  httpFlood(opts: { connections: number; slowloris: number; durationMs: number }): Promise<FloodResult> {
    const [host, port] = HTTP.split(':');
    return this.request('httpFlood', { host, port: Number(port), ...opts }, opts.durationMs + 15_000);
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

export interface FloodResult {
  connects: number;
  connectErrors: number;
  responses: number;
  droppedByServer: number;
  slowlorisCut: number;
  maxOpen: number;
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
