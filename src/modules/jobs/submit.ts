import { and, eq } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import { databaseErrorCode } from "../../db/errors";
import { retryOnConflict } from "../../db/retry";
import { jobs, organizations, projects } from "../../db/schema";
import { tokensIn } from "../../db/token-bucket";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body } from "../../http/types";
import { newId } from "../../ids";
import { requireKeyProject } from "../access";
import { creditPeriod, keyCreditLimitError } from "../credits/key-credit-cap";
import { consume, type Limit, rateLimitHeaders, refusal } from "../rate-limit";
import { enqueueWebhookEvent } from "../webhooks/events";
import { normalizeSelectors } from "./selector-options";
import { callerKey, submitGroups } from "./submit-groups";
import { runSubmission, type Submission, SubmissionRefused, type Taken } from "./submit-statement";
import { checkTargetUrl, targetPolicy } from "./target-url";
import { DEFAULT_OPTIONS, type JobOptions, type JobView, jobView, withDefaults } from "./view";

type CreateJob = Body<"createJob">;
export type Submitted = { job: JobView; replayed: boolean; headers: Record<string, string> };

/** The options with defaults filled in, keys in a fixed order (so a retry compares equal). */
export function normalizeOptions(given: Partial<NonNullable<CreateJob["options"]>> = {}): JobOptions {
  const headers = Object.fromEntries(Object.entries(given.headers ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return {
    timeoutMs: given.timeoutMs ?? DEFAULT_OPTIONS.timeoutMs,
    maxBytes: given.maxBytes ?? DEFAULT_OPTIONS.maxBytes,
    extract: given.extract ?? [...DEFAULT_OPTIONS.extract],
    onlyMainContent: given.onlyMainContent ?? DEFAULT_OPTIONS.onlyMainContent,
    selectors: normalizeSelectors(given.selectors),
    headers,
  };
}

export function limitsFor(deps: Deps, principal: Principal, projectId: string): Limit[] {
  const c = deps.config;
  const caller = principal.via === "apiKey" ? `key:${principal.keyId}` : `user:${principal.user.id}`;
  const limit = (bucket: string, perSecond: number, burst: number, scope: string): Limit => ({
    bucket,
    perSecond,
    burst,
    refusal: (retryAfter) =>
      `Too many jobs submitted for ${scope}: the limit is ${perSecond} per second with bursts of ${burst}. Retry in ${retryAfter} s.`,
  });
  // A key's own limit replaces the instance default; it was checked against the project's when set,
  // and the project's bucket below still applies should an operator lower that limit later.
  const own = principal.via === "apiKey" ? principal.rateLimit : null;
  return [
    limit(caller, own?.perSecond ?? c.rateLimitKeyPerSecond, own?.burst ?? c.rateLimitKeyBurst, "this API key (or session)"),
    limit(`project:${projectId}`, c.rateLimitProjectPerSecond, c.rateLimitProjectBurst, "this project"),
  ];
}

export const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

async function replay(
  deps: Deps,
  projectId: string,
  key: string,
  url: string,
  options: JobOptions,
  webhookUrl: string | null,
): Promise<JobView | null> {
  const [job] = await deps.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.projectId, projectId), eq(jobs.idempotencyKey, key)));
  if (!job) return null;
  // Defaults filled in: a job stored before an option existed still matches its retry.
  if (job.url !== url || canonical(withDefaults(job.options)) !== canonical(options) || job.webhookUrl !== webhookUrl) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different URL, options or webhook. Use a new key for a new job.",
    );
  }
  return jobView(job, true);
}

/**
 * The 4xx for a refused submission, read after the statement rolled back: the bucket that ran out
 * (for `Retry-After`) or the balance (for the 402); `needed` is the number of credits asked for.
 */
async function refusalError(
  deps: Deps,
  refused: SubmissionRefused,
  limits: Limit[],
  projectId: string,
  needed: number,
  now: Date,
  principal: Principal,
) {
  switch (refused.reason) {
    case "not_found":
      return notFound("project");
    case "rate_limited:caller":
    case "rate_limited:project": {
      const limit = limits[refused.reason === "rate_limited:caller" ? 0 : 1]!;
      return refusal(limit, await tokensIn(deps.db, limit, now));
    }
    case "key_credit_limit": {
      if (principal.via !== "apiKey" || !principal.creditLimit) throw new Error("a key credit refusal without a key credit limit");
      return keyCreditLimitError(deps.db, principal.keyId, principal.creditLimit, now);
    }
    case "insufficient_credits": {
      const [org] = await deps.db
        .select({ balance: organizations.creditBalance })
        .from(organizations)
        .innerJoin(projects, eq(projects.organizationId, organizations.id))
        .where(eq(projects.id, projectId));
      const balance = org?.balance ?? 0;
      const ask = needed === 1 ? "each job needs 1" : `this batch needs ${needed} (1 per job)`;
      return new ApiError(
        "insufficient_credits",
        `This organization has ${balance} credits left and ${ask}. Ask an operator to grant more credits.`,
      );
    }
  }
}

const bucketsTaken = (limits: Limit[], taken: Taken) =>
  rateLimitHeaders([
    { limit: limits[0]!, tokens: taken.callerTokens },
    { limit: limits[1]!, tokens: taken.projectTokens },
  ]);

/** One submission statement (a submit alone, or a group merged), then its `credits.low` notice. */
async function submitOne(deps: Deps, submission: Submission): Promise<Taken> {
  const taken = await retryOnConflict(() => runSubmission(deps.db, submission));
  await announceLowBalance(deps, submission, taken);
  return taken;
}

/** One set of submit groups per server (per `deps`): groups never mix two databases. */
const groups = new WeakMap<Deps, ReturnType<typeof submitGroups>>();
function groupsOf(deps: Deps) {
  let mine = groups.get(deps);
  if (!mine) {
    mine = submitGroups((submission) => submitOne(deps, submission));
    groups.set(deps, mine);
  }
  return mine;
}

/**
 * The submission statement's answer as headers, or its refusal as the ApiError to throw. A single
 * submit without an Idempotency-Key may share its statement with others of the same caller
 * (submit-groups.ts); the answer is the same as if it had run alone.
 */
export async function submitOnce(
  deps: Deps,
  submission: Submission,
  limits: Limit[],
  needed: number,
  principal: Principal,
): Promise<Record<string, string>> {
  const groupable = submission.batch === null && submission.jobIdempotencyKey === null && submission.jobs.length === 1;
  let taken: Taken;
  try {
    taken = await (groupable ? groupsOf(deps).run(submission, callerKey(submission)) : submitOne(deps, submission));
  } catch (error) {
    if (!(error instanceof SubmissionRefused)) throw error;
    throw await refusalError(deps, error, limits, submission.projectId, needed, submission.now, principal);
  }
  // Counted once committed, in memory: the key's usage is flushed in batches (src/auth/key-usage.ts).
  if (submission.apiKeyId) for (const _ of submission.jobs) deps.keyUsage.countJobSubmitted(submission.apiKeyId, submission.now);
  return bucketsTaken(limits, taken);
}

/**
 * `credits.low`, once per crossing: when this statement's reservation took the balance from the
 * owners' threshold or above to under it. Queued just after the statement committed (the submit
 * stays one round trip); a crash in between loses this one notice, never a credit. It never
 * throws: the submit has committed, and a failure here must not make it look failed (a grouped
 * submit would be run again, job by job).
 */
async function announceLowBalance(deps: Deps, s: Submission, taken: Taken): Promise<void> {
  const { balance, lowThreshold } = taken;
  if (lowThreshold === null || balance >= lowThreshold || balance + s.jobs.length < lowThreshold) return;
  try {
    const [project] = await deps.db.select({ organizationId: projects.organizationId }).from(projects).where(eq(projects.id, s.projectId));
    if (!project) return;
    const { organizationId } = project;
    await deps.db.transaction((tx) =>
      enqueueWebhookEvent(tx, { organizationId }, "credits.low", { organizationId, balance, threshold: lowThreshold }, s.now),
    );
  } catch {
    deps.logger.warn({ event: "credits_low_not_queued", projectId: s.projectId });
  }
}

/** The parts of a submission that come from who submits where, and when. */
export function submissionFor(principal: Principal, projectId: string, limits: Limit[], now: Date) {
  const key = principal.via === "apiKey" ? principal : null;
  return {
    projectId,
    userId: principal.user.id,
    apiKeyId: key?.keyId ?? null,
    serviceAccountId: key?.serviceAccountId ?? null,
    keyCreditCap: key?.creditLimit
      ? { amount: key.creditLimit.amount, periodStart: creditPeriod(key.creditLimit.period, now).start }
      : null,
    caller: limits[0]!,
    project: limits[1]!,
    now,
  };
}

/**
 * Queues a job, takes the rate-limit tokens and reserves its credit in one statement
 * (submit-statement.ts), so either all of it happens or none. A retry with the same
 * Idempotency-Key gets the first job back: its insert meets the unique index, the statement rolls
 * back (reservation included), and the earlier job is answered; a retry once credits ran out too.
 */
export async function submitJob(
  deps: Deps,
  principal: Principal,
  projectId: string,
  input: CreateJob,
  idempotencyKey?: string,
): Promise<Submitted> {
  requireKeyProject(principal, projectId);
  // What the worker would refuse anyway is refused now; host names are resolved when fetched.
  const policy = targetPolicy(deps.config);
  const url = checkTargetUrl(input.url, policy, "url", "page");
  const options = normalizeOptions(input.options);
  const webhookUrl = input.webhook ? checkTargetUrl(input.webhook.url, policy, "webhook.url", "webhook") : null;
  const now = deps.clock.now();
  const limits = limitsFor(deps, principal, projectId);
  const replayed = async (job: JobView) => ({ job, replayed: true, headers: await deps.db.transaction((tx) => consume(tx, limits, now)) });
  if (idempotencyKey) {
    const earlier = await replay(deps, projectId, idempotencyKey, url, options, webhookUrl);
    if (earlier) return replayed(earlier);
  }
  const job = { id: newId(now), ledgerId: newId(now), url, options, webhookUrl, createdAt: now.toISOString() };
  const submission = submissionFor(principal, projectId, limits, now);
  try {
    const headers = await submitOnce(
      deps,
      { ...submission, tokens: 1, jobs: [job], jobIdempotencyKey: idempotencyKey ?? null, batch: null },
      limits,
      1,
      principal,
    );
    const view = jobView(
      {
        ...job,
        projectId,
        apiKeyId: submission.apiKeyId,
        createdBy: principal.user.id,
        serviceAccountId: submission.serviceAccountId,
        status: "queued",
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        result: null,
        error: null,
        creditsCharged: 0,
        batchId: null,
      },
      true,
    );
    return { job: view, replayed: false, headers };
  } catch (error) {
    const retried = databaseErrorCode(error) === "23505" || (error instanceof ApiError && error.code === "insufficient_credits");
    const earlier = idempotencyKey && retried ? await replay(deps, projectId, idempotencyKey, url, options, webhookUrl) : null;
    if (earlier) return replayed(earlier);
    throw error;
  }
}
