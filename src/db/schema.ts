import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { components } from "../../generated/openapi";

const id = () => text("id").primaryKey();
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

export const users = pgTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: at("created_at").notNull(),
});

export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text("name").notNull(),
    personal: boolean("personal").notNull().default(false),
    createdAt: at("created_at").notNull(),
    /** Credits available now; always the sum of the organization's ledger. The check is the last line of defence. */
    creditBalance: integer("credit_balance").notNull().default(0),
    /** Owners set it; a reservation that takes the balance under it sends `credits.low`. Null: no alert. */
    creditLowThreshold: integer("credit_low_threshold"),
  },
  (t) => [check("organizations_credit_balance_check", sql`${t.creditBalance} >= 0`)],
);

export const memberships = pgTable(
  "memberships",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('owner', 'admin', 'member')`),
  ],
);

export const projects = pgTable(
  "projects",
  {
    id: id(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [index("projects_organization_idx").on(t.organizationId)],
);

/**
 * What ended a key: `revoked` is a DELETE through the API, `member_removed` the removal of its
 * creator from the organization, `rolled` the end of a roll's grace period, `leaked` a key found
 * exposed, `service_account_deleted` the deletion of the key's service account. Plain text in the
 * database, so a new reason needs no migration.
 */
type RevokedReason = NonNullable<components["schemas"]["ApiKey"]["revokedReason"]>;
// A record rather than a list, as for the scopes below: tsc refuses a reason the spec lacks or one left out.
const revokedReasons = {
  revoked: true,
  member_removed: true,
  rolled: true,
  leaked: true,
  service_account_deleted: true,
} satisfies Record<RevokedReason, true>;
export const API_KEY_REVOKED_REASONS = Object.keys(revokedReasons) as [RevokedReason, ...RevokedReason[]];

/** What a key may do (openapi.yaml's `ApiKeyScope`); a key without a `scopes` value may do all of it. */
export type ApiKeyScope = components["schemas"]["ApiKeyScope"];
// A record rather than a list: its type makes tsc refuse a scope the spec lacks and a spec scope left out.
const scopesInOrder = { "projects:read": true, "jobs:read": true, "jobs:write": true } satisfies Record<ApiKeyScope, true>;
/** Every scope, in the order a key's scopes are sorted in. */
export const API_KEY_SCOPES = Object.keys(scopesInOrder) as readonly ApiKeyScope[];
export type KeyCreditLimit = { amount: number; period: "day" | "month" | "total" };
export type KeyRateLimit = { perSecond: number; burst: number };

/**
 * Keys that belong to a project rather than a person (OpenAI's project service accounts). Deleted
 * ones stay as a marker, so their keys' `serviceAccountId` still names something.
 */
export const serviceAccounts = pgTable(
  "service_accounts",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: at("created_at").notNull(),
    deletedAt: at("deleted_at"),
  },
  (t) => [index("service_accounts_project_idx").on(t.projectId, t.createdAt)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** sha256 of the full key, hex. The key itself is never stored. */
    keyHash: text("key_hash").notNull().unique(),
    keyHint: text("key_hint").notNull(),
    createdAt: at("created_at").notNull(),
    lastUsedAt: at("last_used_at"),
    /** The client address of that last use (as TRUST_PROXY decides it); written with `lastUsedAt`. */
    lastUsedIp: text("last_used_ip"),
    /** Revoked rows are kept as a terminal marker: a revoked key can never authenticate again. */
    revokedAt: at("revoked_at"),
    /**
     * Why the key ended, set with `revokedAt`; null on keys revoked before reasons were recorded.
     * A rolled key gets `rolled` and a `revokedAt` in the future: it works until then.
     */
    revokedReason: text("revoked_reason", { enum: API_KEY_REVOKED_REASONS }),
    /** After this instant the key is refused with `api_key_expired`; null: never. */
    expiresAt: at("expires_at"),
    /** When the expiry was recorded: by the first refused request or by the sweep, whichever came first. */
    expiryNotedAt: at("expiry_noted_at"),
    /** When the key's `api_key.expiring` event was queued (it entered API_KEY_EXPIRY_WARNING_DAYS). */
    expiryWarnedAt: at("expiry_warned_at"),
    /** Null: every scope. */
    scopes: jsonb("scopes").$type<ApiKeyScope[]>(),
    /** Addresses and CIDR ranges the key may be used from; null: anywhere. */
    allowedIps: jsonb("allowed_ips").$type<string[]>(),
    creditLimit: jsonb("credit_limit").$type<KeyCreditLimit>(),
    /** The key's job-submission limit; null: the instance default. */
    rateLimit: jsonb("rate_limit").$type<KeyRateLimit>(),
    /** Set on a service account's keys: they act for the account and outlive their creator's membership. */
    serviceAccountId: text("service_account_id").references(() => serviceAccounts.id),
    /** The key this one replaced by a roll. */
    rolledFromId: text("rolled_from_id"),
  },
  (t) => [
    index("api_keys_project_idx").on(t.projectId, t.createdAt),
    index("api_keys_service_account_idx").on(t.serviceAccountId),
    index("api_keys_expires_idx").on(t.expiresAt).where(sql`${t.expiresAt} is not null`),
  ],
);

/**
 * Credits each key with a `creditLimit` reserved per period (`periodStart`: the UTC day or month,
 * or the epoch for `total`). One row per key and period, bumped by a conditional upsert in the
 * submission's transaction, so the cap holds across processes (src/modules/credits/key-credit-cap.ts).
 */
export const apiKeyCreditUsage = pgTable(
  "api_key_credit_usage",
  {
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    periodStart: at("period_start").notNull(),
    used: integer("used").notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.periodStart] })],
);

export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Every token rotated from one login shares a family; reuse of a spent token revokes it whole. */
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId)],
);

export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "canceled"] }).notNull(),
    options: jsonb("options").notNull().default({}),
    result: jsonb("result"),
    error: jsonb("error"),
    creditsCharged: integer("credits_charged").notNull().default(0),
    createdAt: at("created_at").notNull(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    /** Scoped to the project: a retry with the same key returns this job instead of creating another. */
    idempotencyKey: text("idempotency_key"),
    /** How many times a worker has claimed the job; also the fencing token for writing its outcome. */
    attempts: integer("attempts").notNull().default(0),
    /** While running: the claim is the worker's until then; after it, another worker may take the job. */
    leaseExpiresAt: at("lease_expires_at"),
    workerId: text("worker_id"),
    /** The job's own `webhook.url`: its `job.succeeded` / `job.failed` event is also delivered there. */
    webhookUrl: text("webhook_url"),
    /** The service account whose key submitted the job (its submitter); null for a person's. */
    serviceAccountId: text("service_account_id").references(() => serviceAccounts.id),
    /** The batch the job was submitted in (POST /projects/{projectId}/jobs/batch); null for a single submit. */
    batchId: text("batch_id"),
  },
  (t) => [
    index("jobs_project_created_idx").on(t.projectId, t.createdAt.desc(), t.id.desc()),
    check("jobs_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'canceled')`),
    uniqueIndex("jobs_project_idempotency_idx").on(t.projectId, t.idempotencyKey),
    index("jobs_queued_idx").on(t.createdAt).where(sql`${t.status} = 'queued'`),
    index("jobs_running_lease_idx").on(t.leaseExpiresAt).where(sql`${t.status} = 'running'`),
    index("jobs_batch_idx").on(t.batchId, t.createdAt.desc(), t.id.desc()).where(sql`${t.batchId} is not null`),
    // Whether a batch has a job left is one probe here: only unfinished batch jobs are in it.
    index("jobs_batch_unfinished_idx").on(t.batchId).where(sql`${t.status} in ('queued', 'running') and ${t.batchId} is not null`),
  ],
);
/**
 * A batch submission: its jobs carry its id. Kept as a row of its own so a retry with the same
 * Idempotency-Key finds the batch and can tell the same request (same `requestHash`) from a new one.
 */
export const batches = pgTable(
  "batches",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    size: integer("size").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** sha256 of the normalised request, to refuse an Idempotency-Key reused for a different batch. */
    requestHash: text("request_hash").notNull(),
    createdAt: at("created_at").notNull(),
    /** When its last job reached a final state and `batch.completed` was queued (once). */
    completedAt: at("completed_at"),
  },
  (t) => [uniqueIndex("batches_project_idempotency_idx").on(t.projectId, t.idempotencyKey)],
);

/** Every credit movement. An organization's balance is the sum of its rows' `amount`. */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: id(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["grant", "reserve", "charge", "release"] }).notNull(),
    amount: integer("amount").notNull(),
    jobId: text("job_id").references(() => jobs.id, { onDelete: "set null" }),
    note: text("note"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("credit_ledger_org_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    check("credit_ledger_kind_check", sql`${t.kind} in ('grant', 'reserve', 'charge', 'release')`),
  ],
);

/** Token buckets for rate limits (job submissions, login attempts), shared by every server process on the database. */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  bucket: text("bucket").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  updatedAt: at("updated_at").notNull(),
  /**
   * When a refusal was first recorded since the last take (`updatedAt` moves only on takes): a
   * refusal after a take is a new lock, one after an earlier refusal is the same lock.
   */
  lockedAt: at("locked_at"),
});

/**
 * Every running server process, kept fresh by a heartbeat on its invalidation listener. A process
 * that ends keys waits for each recently seen one to confirm (src/auth/invalidation.ts).
 */
export const serverProcesses = pgTable("server_processes", {
  /** Random per process start; also names the process's acknowledgement channel. */
  id: id(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  startedAt: at("started_at").notNull(),
  /** Database time of the last heartbeat. */
  seenAt: at("seen_at").notNull(),
});

/**
 * A project's webhook endpoints (Standard Webhooks). The signing secret is kept as is, because it
 * signs every delivery; it is shown once, at creation or rotation, and never logged.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    events: jsonb("events").$type<string[]>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    secret: text("secret").notNull(),
    /** After a rotation the old secret also signs until `previousSecretExpiresAt`. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: at("previous_secret_expires_at"),
    /** The first failed attempt since the last success; the endpoint is disabled when it is old enough. */
    failingSince: at("failing_since"),
    disabledAt: at("disabled_at"),
    /** `failing`: disabled by the server after failing for WEBHOOK_DISABLE_AFTER_MS; `manual`: by PATCH. */
    disabledReason: text("disabled_reason", { enum: ["failing", "manual"] }),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: at("created_at").notNull(),
  },
  (t) => [index("webhook_endpoints_project_idx").on(t.projectId, t.createdAt)],
);

/**
 * One event for one destination, and the queue row that delivers it: `pending` until an attempt
 * succeeds or the retry horizon passes. The body is stored as sent, so every attempt signs the same bytes.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Null for a job's own `webhook.url`. */
    endpointId: text("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivering", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    /** While `delivering`: another worker may take the row over after this (its worker died). */
    leaseExpiresAt: at("lease_expires_at"),
    createdAt: at("created_at").notNull(),
    finishedAt: at("finished_at"),
  },
  (t) => [
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt.desc(), t.id.desc()),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_lease_idx").on(t.leaseExpiresAt).where(sql`${t.status} = 'delivering'`),
    index("webhook_deliveries_finished_idx").on(t.finishedAt).where(sql`${t.status} in ('succeeded', 'failed')`),
    check("webhook_deliveries_status_check", sql`${t.status} in ('pending', 'delivering', 'succeeded', 'failed')`),
  ],
);

/** Each HTTP attempt of a delivery, with the first 1 KB of what the receiver answered. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: id(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: at("attempted_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    succeeded: boolean("succeeded").notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    /** Why the attempt failed before any answer (timeout, refused address, connection error). */
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attemptedAt)],
);

/**
 * Who did what, written in the transaction of the change itself (src/audit/record.ts), so an event
 * exists iff its change committed. Append-only: no route updates or deletes a row; only the
 * retention job (AUDIT_RETENTION_DAYS) prunes old ones. Never holds a secret: key ids and hints only.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: id(),
    /** Null only for events about no organization (a locked login for an email with no account). */
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    projectId: text("project_id"),
    action: text("action").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "service_account", "system"] }).notNull(),
    actorId: text("actor_id"),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    details: jsonb("details").notNull().default({}),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("audit_events_org_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    index("audit_events_created_idx").on(t.createdAt),
  ],
);

/**
 * Per-key counters per UTC hour (`granularity` hour) or, for buckets older than 90 days, per UTC
 * day (`day`). Every write adds (insert ... on conflict do update set n = n + excluded.n), so any
 * number of processes flushing the same bucket never lose each other's counts.
 */
export const apiKeyUsage = pgTable(
  "api_key_usage",
  {
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    granularity: text("granularity", { enum: ["hour", "day"] }).notNull(),
    bucketStart: at("bucket_start").notNull(),
    requestsOk: integer("requests_ok").notNull().default(0),
    requestsClientError: integer("requests_client_error").notNull().default(0),
    requestsRateLimited: integer("requests_rate_limited").notNull().default(0),
    requestsPaymentRequired: integer("requests_payment_required").notNull().default(0),
    /** Every answered request, 5xx included, so `total` can exceed the four outcomes' sum. */
    requestsTotal: integer("requests_total").notNull().default(0),
    jobsSubmitted: integer("jobs_submitted").notNull().default(0),
    jobsSucceeded: integer("jobs_succeeded").notNull().default(0),
    jobsFailed: integer("jobs_failed").notNull().default(0),
    creditsReserved: integer("credits_reserved").notNull().default(0),
    creditsCharged: integer("credits_charged").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.granularity, t.bucketStart] }),
    check("api_key_usage_granularity_check", sql`${t.granularity} in ('hour', 'day')`),
    index("api_key_usage_hour_idx").on(t.granularity, t.bucketStart),
  ],
);
