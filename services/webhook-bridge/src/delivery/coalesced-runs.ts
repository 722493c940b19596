/**
 * Runs work per key one at a time; requests that arrive while it runs fold into one more run
 * afterwards, so the last request always sees the latest state and no request is lost.
 */
export class CoalescedRuns {
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly onError: (error: unknown, key: string) => void) {}

  request(key: string, work: () => Promise<void>): Promise<void> {
    const run = this.running.get(key);
    if (run !== undefined) {
      run.again = true;
      return run.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      do {
        state.again = false;
        try {
          await work();
        } catch (error) {
          this.onError(error, key);
        }
      } while (state.again);
      this.running.delete(key);
    })();
    this.running.set(key, state);
    return state.done;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
