// `anycastd withdraw`: rewrite the include file as withdrawn and reload BIRD; works with the service and BIRD both dead.

import { BirdControl, reloadWithRetry, type Reloader } from './control-socket.js';
import { readIncludeHeader, writeInclude, type IncludeSpec } from './include-file.js';
import { parsePrefixes } from './prefix.js';

export interface WithdrawOptions {
  birdInclude: string;
  birdSocket: string;
  /** --anycast; when empty, the prefixes listed in the existing file's header are kept. */
  anycast?: string[];
  reason?: string;
  /** Per `configure` attempt. Default 2000 ms. */
  timeoutMs?: number;
  /** Reload attempts. Default 3: ExecStopPost should not linger when BIRD is down. */
  attempts?: number;
  /** Where progress lines go. Default: stderr. */
  log?: (line: string) => void;
  /** Replaces the socket client (tests). */
  client?: Reloader;
}

export const WITHDRAW_EXIT = { ok: 0, writeFailed: 1, badInput: 2 } as const;

/**
 * Exit code: 0 when the withdrawn file is in place (even if BIRD could not be reloaded: BIRD reads
 * the file when it starts), 1 when the file could not be written, 2 for invalid --anycast.
 */
export async function runWithdraw(opts: WithdrawOptions): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let prefixes: string[];
  try {
    prefixes = await withdrawPrefixes(opts);
  } catch (err) {
    log(`anycastd withdraw: ${(err as Error).message}`);
    return WITHDRAW_EXIT.badInput;
  }
  const spec: IncludeSpec = { state: 'withdraw', prefixes, prependCount: 0, reason: opts.reason ?? 'anycastd withdraw' };
  try {
    await writeInclude(opts.birdInclude, spec);
  } catch (err) {
    log(`anycastd withdraw: ${(err as Error).message}`);
    return WITHDRAW_EXIT.writeFailed;
  }
  log(`anycastd withdraw: wrote ${opts.birdInclude} (withdrawn; ${prefixes.length ? prefixes.join(' ') : 'no prefixes'})`);

  const client = opts.client ?? new BirdControl({ socketPath: opts.birdSocket, timeoutMs: opts.timeoutMs });
  const reloadAtMs = performance.now();
  const out = await reloadWithRetry({ client, maxAttempts: opts.attempts ?? 3, baseDelayMs: 100, maxDelayMs: 1000 });
  if (out.ok) {
    log(
      `anycastd withdraw: BIRD reloaded (${out.code} ${out.message}) after ${out.attempts} attempt(s), ${Math.round(out.durationMs)} ms ` +
        `(reload started ${Math.round(reloadAtMs)} ms after process start)`,
    );
  } else {
    log(
      `anycastd withdraw: BIRD reload failed after ${out.attempts} attempt(s) [${out.error?.kind ?? 'other'}]: ${out.message}; ` +
        'the file is in place and BIRD will read it when it (re)starts',
    );
  }
  return WITHDRAW_EXIT.ok;
}

/** --anycast if given, else the prefixes from the current file's header (invalid ones dropped). */
async function withdrawPrefixes(opts: WithdrawOptions): Promise<string[]> {
  if (opts.anycast && opts.anycast.length > 0) return parsePrefixes(opts.anycast).map((p) => p.cidr);
  const header = await readIncludeHeader(opts.birdInclude);
  const kept: string[] = [];
  for (const p of header?.prefixes ?? []) {
    try {
      kept.push(...parsePrefixes([p]).map((x) => x.cidr));
    } catch {
      // A hand-edited header must not stop the withdrawal.
    }
  }
  return kept;
}
