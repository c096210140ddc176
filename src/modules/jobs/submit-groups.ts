import type { Db } from "../../db/client";
import { StatementGroups } from "../../db/statement-groups";
import type { Submission, Taken } from "./submit-statement";

type Run = (submission: Submission) => Promise<Taken>;

/** At most this many submits share one statement. */
const MAX_GROUP = 200;

/** One set of groups per database: a database belongs to one server (or one test app) and its `run`. */
const groupsOf = new WeakMap<Db, StatementGroups<Submission, Taken>>();

/** The submits of a group as ONE submission: n tokens and n credits, at the latest of their times. */
function merged(group: Submission[]): Submission {
  const first = group[0]!;
  const latest = group.reduce((a, s) => (s.now > a ? s.now : a), first.now);
  return { ...first, now: latest, tokens: group.length, jobs: group.flatMap((s) => s.jobs) };
}

/**
 * Single submits of one caller to one project, grouped (src/db/statement-groups.ts): the submits
 * of one key lock the same rows (its bucket, the project's, the organization's balance), so they
 * run one statement at a time anyway. Grouped, the hot rows are locked once per group instead of
 * once per submit. A group refused as a whole (a limit or the balance falls short of all of it)
 * or failed runs again submit by submit, so each gets exactly the answer it would have had alone.
 */
export function submitGrouped(db: Db, submission: Submission, run: Run): Promise<Taken> {
  let groups = groupsOf.get(db);
  if (!groups) {
    groups = new StatementGroups(async (group) => {
      if (group.length === 1) return [await run(group[0]!)];
      const taken = await run(merged(group));
      return group.map(() => taken);
    }, MAX_GROUP);
    groupsOf.set(db, groups);
  }
  const key = [submission.projectId, submission.userId, submission.apiKeyId, submission.caller.bucket, submission.project.bucket].join("|");
  return groups.run(submission, key);
}
