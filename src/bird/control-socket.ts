// Client for BIRD 2's control socket: one command per connection, a hard timeout, typed errors, and reload with backoff.

import net from 'node:net';

/** Why a BIRD operation failed; these are also the labels of the reload-failure counters. */
export type BirdErrorKind = 'timeout' | 'absent' | 'refused-config' | 'other';
export const BIRD_ERROR_KINDS: readonly BirdErrorKind[] = ['timeout', 'absent', 'refused-config', 'other'];

export class BirdError extends Error {
  override readonly name = 'BirdError';
  constructor(
    readonly kind: BirdErrorKind,
    message: string,
    /** BIRD's reply code (e.g. 8002) when BIRD answered. */
    readonly code?: number,
    /** errno (ENOENT, ECONNREFUSED, ...) when the socket failed. */
    readonly errno?: string,
  ) {
    super(message);
  }
}

export interface BirdLine {
  code: number;
  text: string;
}

export interface BirdReply {
  /** Code of the final line (the one with a space after the code). */
  code: number;
  /** Text of the final line. */
  message: string;
  lines: BirdLine[];
}

/** Reply codes of `configure` that mean BIRD took the new config (or had nothing to change). */
export const CONFIGURE_OK_CODES: ReadonlyMap<number, string> = new Map([
  [3, 'reconfigured'],
  [4, 'reconfiguration in progress'],
  [5, 'reconfiguration queued behind one in progress'],
  [18, 'reconfiguration confirmed'],
  [19, 'nothing to do'],
  [20, 'configuration OK'],
]);

export interface ConfigureResult {
  code: number;
  message: string;
  reply: BirdReply;
}

export interface BirdClientOptions {
  socketPath: string;
  /** Covers connect, greeting and reply together. Default 2000 ms. */
  timeoutMs?: number;
}

const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/**
 * Incremental parser for BIRD's line protocol: "dddd-text" continues, "dddd text" ends a reply,
 * " text" continues the previous code, "+dddd..." is an asynchronous message (ignored).
 */
export class BirdReplyParser {
  private buf = '';
  private lines: BirdLine[] = [];
  private lastCode = 0;

  /** Feeds bytes; returns each reply completed by them. */
  push(chunk: string): BirdReply[] {
    this.buf += chunk;
    const done: BirdReply[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      const m = /^(\d{4})([ -])(.*)$/.exec(line);
      if (m) {
        this.lastCode = Number(m[1]);
        this.lines.push({ code: this.lastCode, text: m[3] });
        if (m[2] === ' ') {
          done.push({ code: this.lastCode, message: m[3], lines: this.lines });
          this.lines = [];
        }
      } else if (line.startsWith(' ')) {
        this.lines.push({ code: this.lastCode, text: line.slice(1) });
      } else if (!line.startsWith('+') && line !== '') {
        throw new BirdError('other', `unexpected line from BIRD: ${JSON.stringify(line.slice(0, 120))}`);
      }
    }
    return done;
  }
}

/** The reply as BIRD's own client shows it: one line per reply line, codes stripped. */
export function replyText(reply: BirdReply): string {
  return reply.lines.map((l) => l.text).join('\n');
}

export class BirdControl {
  readonly socketPath: string;
  readonly timeoutMs: number;

  constructor(opts: BirdClientOptions) {
    this.socketPath = opts.socketPath;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** Sends one command and resolves with the whole reply, whatever its code. Rejects with BirdError. */
  command(cmd: string, timeoutMs = this.timeoutMs): Promise<BirdReply> {
    if (/[\r\n]/.test(cmd)) return Promise.reject(new BirdError('other', 'a BIRD command must be one line'));
    const path = this.socketPath;
    return new Promise<BirdReply>((resolve, reject) => {
      const parser = new BirdReplyParser();
      let phase: 'connect' | 'greeting' | 'reply' = 'connect';
      let bytes = 0;
      let settled = false;
      const sock = net.createConnection({ path });
      sock.setEncoding('utf8');
      const finish = (err: BirdError | null, reply?: BirdReply): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        if (err) reject(err);
        else resolve(reply!);
      };
      const timer = setTimeout(
        () => finish(new BirdError('timeout', `BIRD at ${path} did not answer within ${timeoutMs} ms (waiting for ${phase})`)),
        timeoutMs,
      );
      sock.on('connect', () => {
        phase = 'greeting';
      });
      sock.on('data', (chunk: string) => {
        bytes += chunk.length;
        if (bytes > MAX_REPLY_BYTES) return finish(new BirdError('other', `reply from BIRD at ${path} exceeds ${MAX_REPLY_BYTES} bytes`));
        let replies: BirdReply[];
        try {
          replies = parser.push(chunk);
        } catch (err) {
          return finish(err as BirdError);
        }
        for (const reply of replies) {
          if (phase === 'greeting') {
            if (reply.code >= 8000) return finish(new BirdError('other', `BIRD refused the connection: ${reply.code} ${reply.message}`, reply.code));
            phase = 'reply';
            sock.write(`${cmd}\n`);
          } else if (phase === 'reply') {
            return finish(null, reply);
          }
        }
      });
      sock.on('error', (err: NodeJS.ErrnoException) => finish(socketError(path, err)));
      sock.on('close', () => finish(new BirdError('other', `BIRD at ${path} closed the connection before replying (waiting for ${phase})`, undefined, 'ECLOSED')));
    });
  }

  /** `configure`: BIRD rereads its config (and our include). Resolves only on a success code. */
  async configure(timeoutMs = this.timeoutMs): Promise<ConfigureResult> {
    const reply = await this.command('configure', timeoutMs);
    return interpretConfigure(reply);
  }

  /** Raw text of `show route [for PREFIX] all`; "Network not found" is a normal answer here. */
  async showRoute(prefix?: string, opts: { all?: boolean; table?: string } = {}): Promise<string> {
    const parts = ['show route'];
    if (prefix) parts.push(`for ${prefix}`);
    if (opts.table) parts.push(`table ${opts.table}`);
    if (opts.all) parts.push('all');
    return replyText(await this.command(parts.join(' ')));
  }

  /** Raw text of `show protocols [all NAME]`. */
  async showProtocols(name?: string): Promise<string> {
    return replyText(await this.command(name ? `show protocols all ${name}` : 'show protocols'));
  }
}

/** Maps a `configure` reply to a result or a BirdError. 8xxx/9xxx mean BIRD rejected the config. */
export function interpretConfigure(reply: BirdReply): ConfigureResult {
  if (CONFIGURE_OK_CODES.has(reply.code)) return { code: reply.code, message: reply.message, reply };
  const text = `${String(reply.code).padStart(4, '0')} ${reply.message}`;
  if (reply.code >= 8000) return fail(new BirdError('refused-config', `BIRD rejected the configuration: ${text}`, reply.code));
  return fail(new BirdError('other', `unexpected reply to configure: ${text}`, reply.code));
}

function fail(err: BirdError): never {
  throw err;
}

function socketError(path: string, err: NodeJS.ErrnoException): BirdError {
  switch (err.code) {
    case 'ENOENT':
      return new BirdError('absent', `no BIRD control socket at ${path} (is BIRD running?)`, undefined, err.code);
    case 'ECONNREFUSED':
      return new BirdError('absent', `BIRD control socket ${path} refused the connection (BIRD not running?)`, undefined, err.code);
    case 'ECONNRESET':
    case 'EPIPE':
      return new BirdError('other', `BIRD at ${path} reset the connection (BIRD died or restarted?)`, undefined, err.code);
    case 'EACCES':
    case 'EPERM':
      return new BirdError('other', `permission denied on BIRD control socket ${path}`, undefined, err.code);
    default:
      return new BirdError('other', `BIRD control socket ${path}: ${err.message}`, undefined, err.code);
  }
}

export interface Reloader {
  configure(): Promise<ConfigureResult>;
}

export interface ReloadRetryOptions {
  client: Reloader;
  /** Total attempts including the first. Default 5. */
  maxAttempts?: number;
  /** First delay; doubles each retry up to maxDelayMs. Defaults 100 and 5000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Fraction of each delay that is random (0 = none, 1 = full jitter). Default 0.5. */
  jitter?: number;
  /** Stop retrying when aborted (e.g. a newer state is waiting to be written). */
  signal?: AbortSignal;
  /** Called before each wait, for logs. */
  onRetry?: (attempt: number, delayMs: number, error: BirdError) => void;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ReloadOutcome {
  ok: boolean;
  code?: number;
  message: string;
  attempts: number;
  durationMs: number;
  /** The last error when !ok. */
  error?: BirdError;
  aborted?: boolean;
}

/** Delay before retry number `attempt` (1-based): base doubling to max, with part of it random. */
export function backoffDelay(attempt: number, base: number, max: number, jitter: number, random: () => number): number {
  const full = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(full * (1 - jitter * random()));
}

/**
 * `configure` with retries for transient failures (timeout, absent, other). A rejected config is
 * reported at once: retrying cannot fix the file, and the caller must see the error.
 */
export async function reloadWithRetry(opts: ReloadRetryOptions): Promise<ReloadOutcome> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5000;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.5));
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? abortableSleep;
  const start = performance.now();
  let lastError: BirdError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const r = await opts.client.configure();
      return { ok: true, code: r.code, message: r.message, attempts: attempt, durationMs: performance.now() - start };
    } catch (err) {
      lastError = err instanceof BirdError ? err : new BirdError('other', String((err as Error)?.message ?? err));
    }
    if (lastError.kind === 'refused-config' || attempt === maxAttempts || opts.signal?.aborted) {
      return outcome(lastError, attempt, start, opts.signal?.aborted);
    }
    const delay = backoffDelay(attempt, base, max, jitter, random);
    opts.onRetry?.(attempt, delay, lastError);
    await sleep(delay, opts.signal);
    if (opts.signal?.aborted) return outcome(lastError, attempt, start, true);
  }
  return outcome(lastError!, maxAttempts, start, false);
}

function outcome(error: BirdError, attempts: number, start: number, aborted: boolean | undefined): ReloadOutcome {
  return { ok: false, code: error.code, message: error.message, attempts, durationMs: performance.now() - start, error, aborted: aborted || undefined };
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
