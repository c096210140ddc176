type Waiting<In, Out> = { input: In; resolve(output: Out): void; reject(error: unknown): void };

/**
 * Calls that could share one SQL statement, run in groups: while a group's statement runs, the
 * calls that arrive with the same key wait, then go together in the next statement (at most
 * `maxGroup` of them). Alone, a call runs at once, with no added wait; under load, the hot rows
 * a statement locks are locked once per group instead of once per call, and each group costs one
 * round trip. When a group fails, each of its calls runs again on its own, so each gets the answer
 * (or the error) it would have had alone. The worker settles finished jobs this way
 * (src/worker/settle-groups.ts), and single submits of one caller share their statement
 * (src/modules/jobs/submit-groups.ts).
 */
export class StatementGroups<In, Out> {
  /** Per key, the calls waiting for the group in flight; no entry when none is in flight. */
  private readonly waiting = new Map<string, Waiting<In, Out>[]>();

  constructor(
    /** Runs one group: answers one output per input, in order; throws when the group as a whole fails. */
    private readonly runGroup: (inputs: In[]) => Promise<Out[]>,
    private readonly maxGroup: number,
  ) {}

  run(input: In, key = ""): Promise<Out> {
    return new Promise((resolve, reject) => {
      const entry = { input, resolve, reject };
      const waiting = this.waiting.get(key);
      if (waiting) waiting.push(entry);
      else {
        this.waiting.set(key, []);
        void this.flush(key, [entry]);
      }
    });
  }

  private async flush(key: string, group: Waiting<In, Out>[]): Promise<void> {
    try {
      const outputs = await this.runGroup(group.map((w) => w.input));
      for (const [i, w] of group.entries()) w.resolve(outputs[i]!);
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else await Promise.all(group.map((w) => this.runAlone(w)));
    }
    const next = this.waiting.get(key)!.splice(0, this.maxGroup);
    if (next.length === 0) this.waiting.delete(key);
    else void this.flush(key, next);
  }

  private async runAlone(w: Waiting<In, Out>): Promise<void> {
    try {
      const [output] = await this.runGroup([w.input]);
      w.resolve(output!);
    } catch (error) {
      w.reject(error);
    }
  }
}
