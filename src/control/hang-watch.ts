// A data-path worker (process or thread) that has answered no report for longer than the limit is hung, not slow:
// a blocked loop or a livelock. Its route went rounds ago (missed reports fail the health round); restarting it
// is what brings the node back without an operator.

import type { WorkerReply } from './workers.js';

/** A reply that stands for a worker that is running but did not answer (askForReport's timeout). */
const isSilence = (r: WorkerReply) => r.report === null && r.error !== undefined && r.error.startsWith('did not answer');

export class HangWatch {
  private readonly lastHeard = new Map<number, number>();

  /** limitMs 0: never restart. */
  constructor(readonly limitMs: number, private readonly now: () => number = Date.now) {}

  /** After each round of reports: the workers silent for longer than the limit; each silence counts afresh after that. */
  hung(replies: readonly WorkerReply[]): WorkerReply[] {
    const now = this.now();
    const out: WorkerReply[] = [];
    for (const r of replies) {
      const since = this.lastHeard.get(r.id);
      if (!isSilence(r) || since === undefined) {
        this.lastHeard.set(r.id, now);
        continue;
      }
      if (this.limitMs > 0 && now - since >= this.limitMs) {
        out.push(r);
        this.lastHeard.set(r.id, now);
      }
    }
    return out;
  }
}
