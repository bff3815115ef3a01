// A full garbage collection on demand: thread mode's old zones live in SharedArrayBuffers that only GC frees.

import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null = null;

/**
 * A SharedArrayBuffer's memory is freed when every thread that saw it has collected its wrapper.
 * A data thread's heap is small and rarely collects on its own, so a replaced zone (hundreds of MB
 * for a big zone) would stay mapped for a long time (bench/workers-sweep.mjs: +300 MB per reload).
 * One full GC of a small heap after each swap costs ~1-2 ms of that thread's time.
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/** Collects soon, once the caller's stack (which may still hold the old zones) has unwound; repeated calls coalesce. */
let pending: NodeJS.Timeout | null = null;
export function collectGarbageSoon(delayMs = 50): void {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    collectGarbage();
  }, delayMs);
  pending.unref();
}
