// Transparent huge pages for a compiled zone: a lookup jumps across tens of MB of zone, and with 4 KiB pages
// nearly every jump misses the TLB. On 2 MiB pages the TLB covers a big zone, and threads, which share one
// address space, share those TLB entries too (bench/results/workers-paired.md).
//
// The zone is folded after it is handed over, by the compile thread: faulting huge pages in while compiling made
// the first answer ~1.5 s later on this VM, whose memory is backed lazily (each fresh 2 MiB block is slow to touch
// first); folding afterwards costs as much, but off the path to serving. The compile thread has given transferred
// buffers away by then, so it keeps each array's address range: folding never changes what memory holds, so a
// range freed meanwhile comes to no harm.

import { createRequire } from 'node:module';
import type { CompiledZone } from './compiled.js';

interface ZoneMemoryAddon {
  hugePageRange(view: Int32Array | Uint8Array): number[];
  foldHugePages(start: number, bytes: number): number;
}

/**
 * Built with the UDP addon (npm install). Off unless ANYCASTD_HUGE_PAGES=1: folding costs other zones tail latency
 * for a few seconds after a big zone loads, on machines whose fresh memory is slow to touch (see the pacing below).
 */
export const ZONE_MEMORY_ADDON = new URL('../../../native/udp-batch/build/Release/zone_memory.node', import.meta.url).pathname;

/** Below two huge pages an array holds at most one whole 2 MiB block: not worth a system call. */
const MIN_BYTES = 4 << 20;

let addon: ZoneMemoryAddon | null | undefined;

function load(): ZoneMemoryAddon | null {
  if (addon !== undefined) return addon;
  try {
    addon = process.platform === 'linux' && process.env.ANYCASTD_HUGE_PAGES === '1' ? (createRequire(import.meta.url)(ZONE_MEMORY_ADDON) as ZoneMemoryAddon) : null;
  } catch {
    addon = null;
  }
  return addon;
}

/** Whether huge pages can be asked for here. */
export function hugePagesAvailable(): boolean {
  return load() !== null;
}

/** The whole 2 MiB blocks inside the large arrays given, as flat [start, bytes, ...]; [] without the addon. */
export function hugePageRanges(arrays: ArrayLike<Int32Array | Uint8Array>): number[] {
  const lib = load();
  const ranges: number[] = [];
  if (lib === null) return ranges;
  for (let i = 0; i < arrays.length; i++) if (arrays[i].byteLength >= MIN_BYTES) ranges.push(...lib.hugePageRange(arrays[i]));
  return ranges;
}

/** The zone's arrays that lookups wander over (the NSEC/NSEC3 tables are small next to them). */
export function zoneHugePageRanges(zone: CompiledZone): number[] {
  return hugePageRanges([zone.names, zone.nodes, zone.hashTable, zone.rrsets, zone.rdata, zone.targets]);
}

/** Folds the ranges into huge pages; returns the bytes the kernel took the advice for. */
export function foldHugePages(ranges: number[]): number {
  const lib = load();
  let folded = 0;
  if (lib === null) return folded;
  for (let i = 0; i + 1 < ranges.length; i += 2) if (lib.foldHugePages(ranges[i], ranges[i + 1]) === 0) folded += ranges[i + 1];
  return folded;
}

/**
 * Folding a 2 MiB block holds the process's memory map lock while it copies (~20 ms on this VM, fresh memory being
 * slow to touch first), and any other thread's page fault or mmap waits meanwhile. So: a pause after the hand-over
 * (starting data threads right after the first compile took ~1 s longer without it), then one block at a time with
 * gaps. With 8 MiB steps 20 ms apart, another zone's p99 while the big zone reloaded went from 2.4 ms to 18.8 ms
 * (bench/zone-reload.mjs); one block per 100 ms keeps it at 4-7 ms, and a 100 MiB zone folds in ~6 s.
 */
const FOLD_DELAY_MS = 3000;
const STEP_BYTES = 2 << 20;
const STEP_GAP_MS = 100;
const pending: number[] = [];
let timer: NodeJS.Timeout | null = null;
let whenDone: (() => void) | null = null;

/** Folds the ranges into huge pages a little later, in steps between this thread's other work; then calls done. */
export function foldHugePagesSoon(ranges: number[], done: () => void, delayMs = FOLD_DELAY_MS): void {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    for (let at = 0; at < ranges[i + 1]; at += STEP_BYTES) pending.push(ranges[i] + at, Math.min(STEP_BYTES, ranges[i + 1] - at));
  }
  whenDone = done;
  if (pending.length === 0) return finish();
  if (timer === null) timer = setTimeout(foldStep, delayMs).unref();
}

function foldStep(): void {
  timer = null;
  foldHugePages(pending.splice(0, 2));
  if (pending.length > 0) timer = setTimeout(foldStep, STEP_GAP_MS).unref();
  else finish();
}

function finish(): void {
  const done = whenDone;
  whenDone = null;
  done?.();
}
