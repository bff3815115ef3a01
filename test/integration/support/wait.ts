// Waiting in integration tests: a sleep, and a bounded poll for a condition that names what it waited for.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `f` every `pollMs` until it returns something truthy, and returns that. A throw counts as "not yet".
 * Past `timeoutMs` it fails, naming `what` and the last value or error seen.
 */
export async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await sleep(pollMs);
  }
}
