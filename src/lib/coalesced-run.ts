// Runs a task one at a time; a request while it runs queues exactly one more run, however many arrive.

export class CoalescedRun {
  private running: Promise<void> | null = null;
  private again = false;

  /** `keepGoing` is asked before a queued run starts (e.g. false once stopped). */
  constructor(private readonly task: () => Promise<void>, private readonly keepGoing: () => boolean = () => true) {}

  /** Starts a run, or queues one after the current run; resolves when the runs this call asked for are done. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async () => {
      do {
        this.again = false;
        await this.task();
      } while (this.again && this.keepGoing());
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** From inside the task: run once more when this run ends (something changed while it ran). */
  runAgain(): void {
    this.again = true;
  }
}
