import { and, eq } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import { databaseErrorCode } from "../../db/errors";
import { jobs } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Body } from "../../http/types";
import { newId } from "../../ids";
import { requireProject } from "../access";
import { takeKeyCredit } from "../credits/key-credit-cap";
import { reserve } from "../credits/ledger";
import { consume, type Limit } from "../rate-limit";
import { checkWebhookUrl, webhookPolicy } from "../webhooks/target";
import { JobFailure } from "./failure";
import { normalizeSelectors } from "./selector-options";
import { checkUrl } from "./ssrf";
import { DEFAULT_OPTIONS, type JobOptions, type JobView, jobView, withDefaults } from "./view";

type CreateJob = Body<"createJob">;
export type Submitted = { job: JobView; replayed: boolean; headers: Record<string, string> };

/** The options with defaults filled in, keys in a fixed order (so a retry compares equal). */
function normalizeOptions(given: Partial<NonNullable<CreateJob["options"]>> = {}): JobOptions {
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

/** Refuses at once what the worker would refuse anyway: a malformed URL, a bad scheme or port, a private literal IP. */
function checkSubmittedUrl(deps: Deps, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError("validation_failed", "Field 'url' must be an absolute URL such as https://example.com/.");
  }
  try {
    checkUrl(url, { allowPrivate: deps.config.allowPrivateTargets, ports: deps.config.allowedTargetPorts });
  } catch (error) {
    if (error instanceof JobFailure) throw new ApiError("validation_failed", `Field 'url': ${error.message}`);
    throw error;
  }
  return url.toString();
}

function limitsFor(deps: Deps, principal: Principal, projectId: string): Limit[] {
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

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

async function replay(deps: Deps, projectId: string, key: string, url: string, options: JobOptions): Promise<JobView | null> {
  const [job] = await deps.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.projectId, projectId), eq(jobs.idempotencyKey, key)));
  if (!job) return null;
  // Defaults filled in: a job stored before an option existed still matches its retry.
  if (job.url !== url || canonical(withDefaults(job.options)) !== canonical(options)) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different URL or options. Use a new key for a new job.",
    );
  }
  return jobView(job, true);
}

/**
 * Queues a job and reserves its credit in one transaction (with the rate-limit tokens), so either
 * all of it happens or none. A retry with the same Idempotency-Key gets the first job back; two
 * racing first attempts meet at the unique index, and the loser's transaction (and reservation) rolls back.
 */
export async function submitJob(
  deps: Deps,
  principal: Principal,
  projectId: string,
  input: CreateJob,
  idempotencyKey?: string,
): Promise<Submitted> {
  const project = await requireProject(deps.db, principal, projectId);
  const url = checkSubmittedUrl(deps, input.url);
  const options = normalizeOptions(input.options);
  const webhookUrl = input.webhook ? checkWebhookUrl(input.webhook.url, webhookPolicy(deps.config), "webhook.url") : null;
  const now = deps.clock.now();
  const limits = limitsFor(deps, principal, projectId);
  const replayed = async (job: JobView) => ({ job, replayed: true, headers: await deps.db.transaction((tx) => consume(tx, limits, now)) });
  if (idempotencyKey) {
    const earlier = await replay(deps, projectId, idempotencyKey, url, options);
    if (earlier) return replayed(earlier);
  }
  const row = {
    id: newId(now),
    projectId,
    apiKeyId: principal.via === "apiKey" ? principal.keyId : null,
    createdBy: principal.user.id,
    serviceAccountId: principal.via === "apiKey" ? principal.serviceAccountId : null,
    url,
    status: "queued" as const,
    options,
    idempotencyKey: idempotencyKey ?? null,
    webhookUrl,
    createdAt: now,
  };
  try {
    const submitted = await deps.db.transaction(async (tx) => {
      const headers = await consume(tx, limits, now);
      const [job] = await tx.insert(jobs).values(row).returning();
      if (principal.via === "apiKey" && principal.creditLimit) await takeKeyCredit(tx, principal.keyId, principal.creditLimit, now);
      await reserve(tx, project.organizationId, row.id, now);
      return { job: jobView(job!, true), replayed: false, headers };
    });
    // Counted once committed, in memory: the key's usage is flushed in batches (src/auth/key-usage.ts).
    if (row.apiKeyId) deps.keyUsage.countJobSubmitted(row.apiKeyId, now);
    return submitted;
  } catch (error) {
    const earlier =
      idempotencyKey && databaseErrorCode(error) === "23505" ? await replay(deps, projectId, idempotencyKey, url, options) : null;
    if (earlier) return replayed(earlier);
    throw error;
  }
}
