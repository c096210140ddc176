import { and, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import { DAY_MS } from "../../clock";
import type { Db } from "../../db/client";
import { apiKeys, apiKeyUsage } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import { timeRange } from "../../http/time-range";
import type { Query, Reply } from "../../http/types";
import { requireProject } from "../access";
import { HOURLY_RETENTION_DAYS } from "./retention";

type KeyUsage = Reply<"getApiKeyUsage", 200>["data"];
type ProjectUsage = Reply<"getProjectUsage", 200>["data"];
type Counts = KeyUsage["totals"];

const DEFAULT_DAYS = 30;
/** Longest range of daily buckets or totals one request may ask for. */
const MAX_DAYS = 400;

const sums = {
  ok: sql<number>`coalesce(sum(${apiKeyUsage.requestsOk}), 0)::int`,
  clientError: sql<number>`coalesce(sum(${apiKeyUsage.requestsClientError}), 0)::int`,
  rateLimited: sql<number>`coalesce(sum(${apiKeyUsage.requestsRateLimited}), 0)::int`,
  paymentRequired: sql<number>`coalesce(sum(${apiKeyUsage.requestsPaymentRequired}), 0)::int`,
  total: sql<number>`coalesce(sum(${apiKeyUsage.requestsTotal}), 0)::int`,
  submitted: sql<number>`coalesce(sum(${apiKeyUsage.jobsSubmitted}), 0)::int`,
  succeeded: sql<number>`coalesce(sum(${apiKeyUsage.jobsSucceeded}), 0)::int`,
  failed: sql<number>`coalesce(sum(${apiKeyUsage.jobsFailed}), 0)::int`,
  reserved: sql<number>`coalesce(sum(${apiKeyUsage.creditsReserved}), 0)::int`,
  charged: sql<number>`coalesce(sum(${apiKeyUsage.creditsCharged}), 0)::int`,
};
type Sums = { [K in keyof typeof sums]: number };

const counts = (s: Sums): Counts => ({
  requests: { total: s.total, ok: s.ok, clientError: s.clientError, rateLimited: s.rateLimited, paymentRequired: s.paymentRequired },
  jobs: { submitted: s.submitted, succeeded: s.succeeded, failed: s.failed },
  credits: { reserved: s.reserved, charged: s.charged },
});

function add(a: Counts, b: Counts): Counts {
  const r = a.requests;
  const q = b.requests;
  return {
    requests: {
      total: r.total + q.total,
      ok: r.ok + q.ok,
      clientError: r.clientError + q.clientError,
      rateLimited: r.rateLimited + q.rateLimited,
      paymentRequired: r.paymentRequired + q.paymentRequired,
    },
    jobs: {
      submitted: a.jobs.submitted + b.jobs.submitted,
      succeeded: a.jobs.succeeded + b.jobs.succeeded,
      failed: a.jobs.failed + b.jobs.failed,
    },
    credits: { reserved: a.credits.reserved + b.credits.reserved, charged: a.credits.charged + b.credits.charged },
  };
}

const none = (): Counts =>
  counts({
    ok: 0,
    clientError: 0,
    rateLimited: 0,
    paymentRequired: 0,
    total: 0,
    submitted: 0,
    succeeded: 0,
    failed: 0,
    reserved: 0,
    charged: 0,
  });

/** A bucket belongs to the range when it starts in it: `from` inclusive, `to` exclusive. */
const inRange = (from: Date, to: Date) => and(gte(apiKeyUsage.bucketStart, from), lt(apiKeyUsage.bucketStart, to));

async function findKey(db: Db, projectId: string, keyId: string) {
  const [key] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId)));
  if (!key) throw notFound("API key");
}

type Granularity = KeyUsage["granularity"];

/** Hourly buckets exist for the last 90 days only: a range they cannot cover is refused, naming the way out. */
function checkGranularity(granularity: Granularity, from: Date, to: Date, now: Date): void {
  if (granularity !== "hour") return;
  if (from.getTime() < now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS) {
    throw new ApiError(
      "validation_failed",
      `Hourly buckets are kept for ${HOURLY_RETENTION_DAYS} days; for older ranges use granularity=day.`,
    );
  }
  if (to.getTime() - from.getTime() > HOURLY_RETENTION_DAYS * DAY_MS) {
    throw new ApiError("validation_failed", `Hourly ranges can span at most ${HOURLY_RETENTION_DAYS} days; use granularity=day.`);
  }
}

/**
 * The usage rows `where` selects, summed per bucket, oldest first: hourly, or daily (a day's
 * hourly rows plus the daily row the roll-up made of older ones). Only buckets with activity.
 */
async function buckets(db: Db, where: SQL | undefined, granularity: Granularity): Promise<KeyUsage["buckets"]> {
  const start = granularity === "hour" ? apiKeyUsage.bucketStart : sql<Date>`date_trunc('day', ${apiKeyUsage.bucketStart}, 'UTC')`;
  const rows = await db
    .select({ start: sql<string>`to_char(${start} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, ...sums })
    .from(apiKeyUsage)
    .where(and(where, granularity === "hour" ? eq(apiKeyUsage.granularity, "hour") : undefined))
    .groupBy(start)
    .orderBy(start);
  return rows.map(({ start, ...s }) => ({ start, ...counts(s) }));
}

/** One key's buckets and their totals. */
export async function getKeyUsage(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  query: Query<"getApiKeyUsage">,
): Promise<KeyUsage> {
  await requireProject(deps.db, principal, projectId);
  const granularity = query.granularity ?? "hour";
  const now = deps.clock.now();
  const { from, to } = timeRange(query, now, DEFAULT_DAYS, MAX_DAYS);
  checkGranularity(granularity, from, to, now);
  await findKey(deps.db, projectId, keyId);
  const series = await buckets(deps.db, and(eq(apiKeyUsage.keyId, keyId), inRange(from, to)), granularity);
  return {
    keyId,
    granularity,
    from: from.toISOString(),
    to: to.toISOString(),
    buckets: series,
    totals: series.reduce((total, b) => add(total, b), none()),
  };
}

/**
 * Every key of the project (revoked ones too, newest first) with its totals, and the project's
 * total with its buckets (the sum of every key's): a chart of the project in one request.
 */
export async function getProjectUsage(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  query: Query<"getProjectUsage">,
): Promise<ProjectUsage> {
  await requireProject(deps.db, principal, projectId);
  const granularity = query.granularity ?? "day";
  const now = deps.clock.now();
  const { from, to } = timeRange(query, now, DEFAULT_DAYS, MAX_DAYS);
  checkGranularity(granularity, from, to, now);
  // The project's keys as a subquery: one statement text however many keys it has, and the three reads at once.
  const ofProject = and(
    inArray(apiKeyUsage.keyId, deps.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.projectId, projectId))),
    inRange(from, to),
  );
  const [keys, rows, series] = await Promise.all([
    deps.db.select().from(apiKeys).where(eq(apiKeys.projectId, projectId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)),
    deps.db
      .select({ keyId: apiKeyUsage.keyId, ...sums })
      .from(apiKeyUsage)
      .where(ofProject)
      .groupBy(apiKeyUsage.keyId),
    buckets(deps.db, ofProject, granularity),
  ]);
  const byKey = new Map(rows.map(({ keyId, ...s }) => [keyId, counts(s)]));
  const perKey = keys.map((k) => ({
    keyId: k.id,
    name: k.name,
    keyHint: k.keyHint,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: k.lastUsedIp,
    totals: byKey.get(k.id) ?? none(),
  }));
  return {
    projectId,
    granularity,
    from: from.toISOString(),
    to: to.toISOString(),
    buckets: series,
    keys: perKey,
    totals: perKey.reduce((total, k) => add(total, k.totals), none()),
  };
}
