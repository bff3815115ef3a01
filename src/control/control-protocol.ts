// The control-socket protocol, version 1: one JSON object per line each way, {"v":1,"cmd":...} in, {"v":1,"ok":...} out.

export const CONTROL_PROTOCOL_VERSION = 1;

/** Bounds that keep a misbehaving local client from holding the service's memory or sockets. */
export const CONTROL_LIMITS = {
  /** A request line longer than this is refused and the connection closed (requests are ~50 bytes). */
  maxLineBytes: 4096,
  /** Connections open at once; more are answered with an error and closed. */
  maxConnections: 16,
  /** A connection that sends no complete request for this long is closed. */
  idleMs: 10_000,
} as const;

export const CONTROL_COMMANDS = ['status', 'drain', 'undrain', 'reload', 'debug-block', 'debug-load', 'debug-crash'] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

export interface ControlRequest {
  v: typeof CONTROL_PROTOCOL_VERSION;
  cmd: ControlCommand;
  /** Command arguments; only the debug commands take any (ms; busyMs, periodMs). */
  args: Record<string, number>;
}

export type ControlReply =
  | { v: typeof CONTROL_PROTOCOL_VERSION; ok: true; result: unknown }
  | { v: typeof CONTROL_PROTOCOL_VERSION; ok: false; error: string };

export type Parsed = { ok: true; request: ControlRequest } | { ok: false; error: string };

const isCommand = (c: unknown): c is ControlCommand => typeof c === 'string' && (CONTROL_COMMANDS as readonly string[]).includes(c);

/** Validates one request line (without its newline). Never throws: bad input is an error reply. */
export function parseControlRequest(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'malformed request: not JSON (send one JSON object per line, e.g. {"v":1,"cmd":"status"})' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'malformed request: expected a JSON object' };
  const { v, cmd, args } = value as Record<string, unknown>;
  if (v !== CONTROL_PROTOCOL_VERSION) return { ok: false, error: `unsupported protocol version ${JSON.stringify(v ?? null)}; this server speaks "v":${CONTROL_PROTOCOL_VERSION}` };
  if (!isCommand(cmd)) return { ok: false, error: `unknown command ${JSON.stringify(cmd ?? null)}; expected one of ${CONTROL_COMMANDS.join(', ')}` };
  const out: Record<string, number> = {};
  if (args !== undefined) {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, error: 'malformed request: "args" must be an object' };
    for (const [k, n] of Object.entries(args)) {
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return { ok: false, error: `malformed request: args.${k} must be a number >= 0` };
      out[k] = n;
    }
  }
  return { ok: true, request: { v: CONTROL_PROTOCOL_VERSION, cmd, args: out } };
}

export function encodeReply(reply: ControlReply): string {
  return `${JSON.stringify(reply)}\n`;
}

export const okReply = (result: unknown): ControlReply => ({ v: CONTROL_PROTOCOL_VERSION, ok: true, result });
export const errorReply = (error: string): ControlReply => ({ v: CONTROL_PROTOCOL_VERSION, ok: false, error });

/**
 * Splits a byte stream into lines, refusing any line over the limit before buffering it all:
 * push() returns the complete lines so far, or 'oversized' once the pending bytes pass the limit.
 */
export class LineSplitter {
  private pending = '';
  constructor(private readonly maxBytes: number) {}

  /** Text chunks (the socket decodes UTF-8, so a character split across reads stays whole). */
  push(chunk: string): string[] | 'oversized' {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop()!;
    if (Buffer.byteLength(this.pending) > this.maxBytes || lines.some((l) => Buffer.byteLength(l) > this.maxBytes)) return 'oversized';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
  }
}
