import type { Db } from "../db/client";
import { type Finished, settle } from "./settle";

type Waiting = { finished: Finished; resolve(settled: boolean): void; reject(error: unknown): void };

/** At most this many jobs share one settle statement. */
const MAX_GROUP = 256;

/**
 * A worker's finished jobs, settled in groups: while one settle statement runs, the jobs that
 * finish meanwhile wait and then go together in the next one, so a busy worker writes its results
 * in one round trip per group instead of one per job (and, for batches, locks each batch row once
 * per group). Alone, a job is settled at once, with no added wait. When a group fails (a result
 * the database refuses, say), each of its jobs is settled again on its own, so one bad job fails alone.
 */
export class SettleGroups {
  private waiting: Waiting[] | undefined;

  constructor(
    private readonly db: Db,
    /** Tests watch the groups go by through this; the worker uses `settle`. */
    private readonly settleGroup: typeof settle = settle,
  ) {}

  /** Settles one job; false means another worker's claim has taken it over. */
  settle(finished: Finished): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const entry = { finished, resolve, reject };
      if (this.waiting) this.waiting.push(entry);
      else {
        this.waiting = [];
        void this.flush([entry]);
      }
    });
  }

  private async flush(group: Waiting[]): Promise<void> {
    try {
      const settled = await this.settleGroup(
        this.db,
        group.map((w) => w.finished),
      );
      for (const [i, w] of group.entries()) w.resolve(settled[i]!);
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else await Promise.all(group.map((w) => this.runAlone(w)));
    }
    const next = this.waiting!.splice(0, MAX_GROUP);
    if (next.length === 0) this.waiting = undefined;
    else void this.flush(next);
  }

  private async runAlone(w: Waiting): Promise<void> {
    try {
      const [settled] = await this.settleGroup(this.db, [w.finished]);
      w.resolve(settled!);
    } catch (error) {
      w.reject(error);
    }
  }
}
