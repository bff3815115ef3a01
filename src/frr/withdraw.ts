// `anycastd withdraw --router frr`: deny our prefixes in bgpd and refresh the peers; works with the service dead.

import { blindWithdrawBatch, listedPrefixes, parseRunningConfig } from './config.js';
import { vtyshFailure, vtyshRunner, type VtyshRunner } from './vtysh.js';
import { parsePrefixes } from '../bird/prefix.js';

export interface FrrWithdrawOptions {
  /** --frr-vtysh. Default `vtysh`. */
  vtysh?: string;
  /** --anycast; when empty, the prefixes bgpd lists in ANYCASTD-ALL (one extra read). */
  anycast?: string[];
  timeoutMs?: number;
  /** Attempts. Default 3: ExecStopPost should not linger when bgpd is down. */
  attempts?: number;
  log?: (line: string) => void;
  /** Replaces vtysh (tests). */
  run?: VtyshRunner;
}

export const FRR_WITHDRAW_EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/**
 * One vtysh run, no read first: the prefixes join ANYCASTD-ALL and route-map ANYCASTD-OUT denies that list at seq 50,
 * ahead of every state entry, then `clear bgp ... soft out`. Exit 0 also when bgpd is down: a restarted bgpd has
 * only frr.conf, which keeps the prefixes denied until serve says otherwise. 1 when vtysh failed otherwise.
 */
export async function runFrrWithdraw(opts: FrrWithdrawOptions): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const run = opts.run ?? vtyshRunner(opts.vtysh ?? 'vtysh');
  const timeoutMs = opts.timeoutMs ?? 2000;
  let prefixes: string[];
  try {
    prefixes = parsePrefixes(opts.anycast ?? []).map((p) => p.cidr);
  } catch (err) {
    log(`anycastd withdraw: ${(err as Error).message}`);
    return FRR_WITHDRAW_EXIT.badInput;
  }
  if (prefixes.length === 0) {
    const out = await run(['show running-config bgpd'], timeoutMs, 'bgpd');
    const failed = vtyshFailure(out, timeoutMs);
    if (failed?.kind === 'bgpd-down') return bgpdDown(log, failed.message);
    if (failed) {
      log(`anycastd withdraw: cannot read bgpd's config [${failed.kind}]: ${failed.message}`);
      return FRR_WITHDRAW_EXIT.failed;
    }
    prefixes = listedPrefixes(parseRunningConfig(out.stdout));
    if (prefixes.length === 0) {
      log('anycastd withdraw: bgpd lists no anycastd prefixes (ANYCASTD-ALL empty); nothing to withdraw');
      return FRR_WITHDRAW_EXIT.ok;
    }
  }
  const batch = blindWithdrawBatch(prefixes);
  const attempts = Math.max(1, opts.attempts ?? 3);
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const sentAtMs = performance.now();
    const out = await run(['configure terminal', ...batch.config, 'end', ...batch.clear], timeoutMs, 'bgpd');
    const failed = vtyshFailure(out, timeoutMs);
    if (!failed) {
      log(
        `anycastd withdraw: FRR denies ${prefixes.join(' ')} and peers refreshed after ${attempt} attempt(s), ` +
          `${Math.round(performance.now() - started)} ms (vtysh started ${Math.round(sentAtMs)} ms after process start)`,
      );
      return FRR_WITHDRAW_EXIT.ok;
    }
    if (failed.kind === 'bgpd-down') return bgpdDown(log, failed.message);
    if (attempt >= attempts) {
      log(`anycastd withdraw: FRR not updated after ${attempt} attempt(s) [${failed.kind}]: ${failed.message}`);
      return FRR_WITHDRAW_EXIT.failed;
    }
    await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
  }
}

function bgpdDown(log: (line: string) => void, message: string): number {
  log(`anycastd withdraw: ${message}; nothing to tell (bgpd restarts with frr.conf, which keeps the prefixes denied)`);
  return FRR_WITHDRAW_EXIT.ok;
}
