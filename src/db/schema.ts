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
 * creator from the organization. Plain text in the database, so a new reason needs no migration.
 */
export const API_KEY_REVOKED_REASONS = ["revoked", "member_removed"] as const;

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
    /** Revoked rows are kept as a terminal marker: a revoked key can never authenticate again. */
    revokedAt: at("revoked_at"),
    /** Why the key ended, set with `revokedAt`; null on keys revoked before reasons were recorded. */
    revokedReason: text("revoked_reason", { enum: API_KEY_REVOKED_REASONS }),
  },
  (t) => [index("api_keys_project_idx").on(t.projectId, t.createdAt)],
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
