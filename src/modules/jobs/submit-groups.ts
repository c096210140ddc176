import { StatementGroups } from "../../db/statement-groups";
import type { Submission, Taken } from "./submit-statement";

type Run = (submission: Submission) => Promise<Taken>;

/** At most this many submits share one statement. */
const MAX_GROUP = 200;

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
 * `run` runs one submission (alone or merged); call `.run(submission, callerKey(submission))`.
 */
export const submitGroups = (run: Run) =>
  new StatementGroups<Submission, Taken>(async (group) => {
    if (group.length === 1) return [await run(group[0]!)];
    const taken = await run(merged(group));
    return group.map(() => taken);
  }, MAX_GROUP);

/** Submits share a statement only with those of the same caller to the same project. */
export const callerKey = (s: Submission) => [s.projectId, s.userId, s.apiKeyId, s.caller.bucket, s.project.bucket].join("|");
