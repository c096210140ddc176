import type { Db } from "../../db/client";
import type { Submission, Taken } from "./submit-statement";

type Waiting = { submission: Submission; resolve(taken: Taken): void; reject(error: unknown): void };
type Run = (submission: Submission) => Promise<Taken>;

/** At most this many submits share one statement. */
const MAX_GROUP = 200;

/** Per database: the callers whose submit statement is running, each with the submits that arrived meanwhile. */
const inFlight = new WeakMap<Db, Map<string, Waiting[]>>();

/**
 * Single submits of one caller to one project, grouped: the submits of one key lock the same rows
 * (its bucket, the project's, the organization's balance), so they run one statement at a time
 * anyway. While one statement runs, the submits that arrive wait and then go together, as ONE
 * statement taking n tokens and n credits: the hot rows are locked once per group instead of once
 * per submit. Alone, a submit runs at once, with no added wait. When a group is refused (a limit or
 * the balance falls short of all of it) or fails, each of its submits runs again on its own, so
 * each gets exactly the answer it would have had alone.
 */
export function submitGrouped(db: Db, submission: Submission, run: Run): Promise<Taken> {
  const groups = inFlight.get(db) ?? new Map<string, Waiting[]>();
  inFlight.set(db, groups);
  const key = [submission.projectId, submission.userId, submission.apiKeyId, submission.caller.bucket, submission.project.bucket].join("|");
  return new Promise((resolve, reject) => {
    const waiting = groups.get(key);
    if (waiting) waiting.push({ submission, resolve, reject });
    else {
      groups.set(key, []);
      void runGroup(groups, key, [{ submission, resolve, reject }], run);
    }
  });
}

async function runGroup(groups: Map<string, Waiting[]>, key: string, group: Waiting[], run: Run): Promise<void> {
  if (group.length === 1) await settleOne(group[0]!, run);
  else {
    const first = group[0]!.submission;
    const latest = group.reduce((a, w) => (w.submission.now > a ? w.submission.now : a), first.now);
    const merged: Submission = { ...first, now: latest, tokens: group.length, jobs: group.flatMap((w) => w.submission.jobs) };
    try {
      const taken = await run(merged);
      for (const w of group) w.resolve(taken);
    } catch {
      await Promise.all(group.map((w) => settleOne(w, run)));
    }
  }
  const next = groups.get(key)!;
  if (next.length === 0) groups.delete(key);
  else void runGroup(groups, key, next.splice(0, MAX_GROUP), run);
}

async function settleOne(w: Waiting, run: Run): Promise<void> {
  try {
    w.resolve(await run(w.submission));
  } catch (error) {
    w.reject(error);
  }
}
