// Environment of the data-path worker processes: a glibc malloc setting that gives a replaced zone's memory back.

/**
 * A compiled zone is a few large typed arrays (the 1.22M-record bench zone: 109 MiB). glibc serves an
 * allocation above its mmap threshold with a mapping of its own, unmapped on free; but the threshold is
 * dynamic: freeing such a block raises it to that block's size (up to 32 MiB), so the next zone's arrays
 * come from the malloc arenas, whose freed space stays resident. With the threshold fixed (which also
 * stops the adjusting), every reload returns the old zone's memory. Measured by bench/reload-memory.mjs,
 * 6 reloads: glibc defaults 413 -> 548 MiB, MALLOC_ARENA_MAX=2 450 -> 828 MiB, threshold 1 MiB flat at 275 MiB.
 * Queries never allocate blocks this large, so the hot path is unaffected.
 */
export const MALLOC_MMAP_THRESHOLD_BYTES = 1 << 20;

/** What the data workers get on top of the primary's environment; nothing when the operator configures malloc already. */
export function dataWorkerEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const configured = parent.GLIBC_TUNABLES !== undefined || Object.keys(parent).some((k) => k.startsWith('MALLOC_'));
  return configured ? {} : { MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD_BYTES) };
}
