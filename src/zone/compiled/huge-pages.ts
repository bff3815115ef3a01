// Transparent huge pages for a zone's arrays: a lookup jumps across tens of MB of zone, and with 4 KiB pages
// nearly every jump misses the TLB. With 2 MiB pages the TLB covers a big zone, and threads, which share one
// address space, share those TLB entries too (bench/results/workers-sweep.md).

import { createRequire } from 'node:module';

interface ZoneMemoryAddon {
  adviseHugePages(view: Int32Array | Uint8Array, collapse: boolean): number;
}

/** Built with the UDP addon (npm install); without it, or off Linux, zones keep 4 KiB pages. */
export const ZONE_MEMORY_ADDON = new URL('../../../native/udp-batch/build/Release/zone_memory.node', import.meta.url).pathname;

/** Below two huge pages an array holds at most one whole 2 MiB block: not worth a system call. */
const MIN_BYTES = 4 << 20;

let addon: ZoneMemoryAddon | null | undefined;

function load(): ZoneMemoryAddon | null {
  if (addon !== undefined) return addon;
  try {
    addon = process.platform === 'linux' && process.env.ANYCASTD_HUGE_PAGES !== '0' ? (createRequire(import.meta.url)(ZONE_MEMORY_ADDON) as ZoneMemoryAddon) : null;
  } catch {
    addon = null;
  }
  return addon;
}

/**
 * Asks for huge pages under a large array: memory not yet touched then faults in 2 MiB at a time; with `collapse`,
 * pages already written are folded too (best effort). Returns the bytes advised (0: too small, no addon, or refused).
 */
export function adviseHugePages<T extends Int32Array | Uint8Array>(array: T, collapse = false): number {
  if (array.byteLength < MIN_BYTES) return 0;
  const lib = load();
  if (lib === null) return 0;
  return Math.max(0, lib.adviseHugePages(array, collapse));
}

/** Whether huge pages can be asked for here (the addon loaded). */
export function hugePagesAvailable(): boolean {
  return load() !== null;
}
