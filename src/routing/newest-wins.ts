// One routing change at a time; calls that arrive meanwhile wait, and only the newest is applied (older ones resolve as superseded).

interface Waiter<S, R> {
  spec: S;
  resolve: (result: R) => void;
}

export class NewestWins<S, R> {
  private pending: Waiter<S, R> | null = null;
  private active = false;

  /**
   * `run` applies one spec; `superseded` is the result for a call a newer one replaced; `failed` turns an
   * unexpected throw of `run` into a result, so submit() never rejects.
   */
  constructor(
    private readonly run: (spec: S) => Promise<R>,
    private readonly superseded: () => R,
    private readonly failed: (err: unknown) => R,
  ) {}

  submit(spec: S): Promise<R> {
    return new Promise<R>((resolve) => {
      this.pending?.resolve(this.superseded());
      this.pending = { spec, resolve };
      if (!this.active) void this.drain();
    });
  }

  /** A change is being applied now. */
  get busy(): boolean {
    return this.active;
  }

  /** A newer spec waits: a retry loop for the current one is pointless. */
  get hasNewer(): boolean {
    return this.pending !== null;
  }

  private async drain(): Promise<void> {
    this.active = true;
    try {
      while (this.pending) {
        const job = this.pending;
        this.pending = null;
        let result: R;
        try {
          result = await this.run(job.spec);
        } catch (err) {
          result = this.failed(err);
        }
        job.resolve(result);
      }
    } finally {
      this.active = false;
    }
  }
}
