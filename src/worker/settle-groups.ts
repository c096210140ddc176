import type { Db } from "../db/client";
import { StatementGroups } from "../db/statement-groups";
import { type Finished, settle } from "./settle";

/** At most this many jobs share one settle statement. */
const MAX_GROUP = 256;

/**
 * A worker's finished jobs, settled in groups (src/db/statement-groups.ts): a busy worker writes
 * its results in one round trip per group instead of one per job and, for batches, locks each
 * batch row once per group. A group the database refuses (a result it cannot store, say) is
 * settled again job by job, so one bad job fails alone. `run` answers false when another worker's
 * claim has taken the job over. `settleGroup` lets tests watch the groups go by.
 */
export const settleGroups = (db: Db, settleGroup: typeof settle = settle) =>
  new StatementGroups<Finished, boolean>((group) => settleGroup(db, group), MAX_GROUP);
