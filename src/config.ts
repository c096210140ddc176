import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

/** Every setting the server reads from the environment, parsed once. */
export type Config = {
  /** The address to listen on: 0.0.0.0 (every interface) or 127.0.0.1 (this machine only). */
  host: string;
  port: number;
  production: boolean;
  /** postgres:// URL; unset means the embedded PostgreSQL, started by the server, with its data in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** The embedded PostgreSQL's port on 127.0.0.1; 0 (the default) picks a free one at each start. */
  embeddedPostgresPort: number;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How often coalesced `lastUsedAt` writes are flushed. */
  keyUsageFlushMs: number;
  /** Trust the first `X-Forwarded-For` address (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** Emit one JSON log line per request. */
  logRequests: boolean;
  /** Verified API keys and access tokens kept in memory per process; 0 turns the caches off. */
  authCacheSize: number;
  /** Longest a cached key is used without a fresh look at the database. */
  authCacheTtlMs: number;
  /** Sign-ups per client address per hour (a bucket that size, refilled evenly). */
  rateLimitSignupsPerHour: number;
  /** Organizations one account may create per hour. */
  rateLimitOrgsPerHour: number;
  /** Organizations created from one client address per hour, all accounts together. */
  rateLimitOrgsPerAddressPerHour: number;
  /**
   * How long a process trusts its key cache after its invalidation listener last proved it is up to
   * date (heartbeats run every third of it), and so the longest a revoke waits for a process that
   * does not confirm it (src/auth/invalidation.ts).
   */
  authCacheLeaseMs: number;
  /** Failed API-key lookups one client address may make at once, per process (see src/auth/key-guess-throttle.ts). */
  keyFailureBurst: number;
  /** ...and how many more per second after that. */
  keyFailurePerSecond: number;
  /** The longest an API key may live, in days; it makes `expiresAt` required. Undefined: no cap. */
  apiKeyMaxLifetimeDays: number | undefined;
  /** Within this many days of its expiry, a key's responses carry `Api-Key-Expiry-Warning`. */
  apiKeyExpiryWarningDays: number;
  /** Audit events older than this many days are pruned by the housekeeping job. */
  auditRetentionDays: number;
  /** When set, POST /leaked-keys requires `X-Signature: sha256=<HMAC of the body with it>`. */
  leakReportSecret: string | undefined;
  /** Leak reports per client address per minute (a bucket that size, refilled evenly). */
  rateLimitLeakReportsPerMinute: number;
  /** Server processes `npm start` runs on the one port (WEB_CONCURRENCY: a number, or `auto` for one per core). */
  webConcurrency: number;
  /** Set by the first process for the ones it starts: listen with SO_REUSEPORT beside the others. */
  reusePort: boolean;
} & JobSettings &
  WebhookSettings;

/** Webhook deliveries (see "Webhooks" in README.md); they share the jobs' SSRF settings. */
export type WebhookSettings = {
  /** Deliveries one process sends at once. */
  webhookConcurrency: number;
  /** How often an idle delivery worker looks for due deliveries. */
  webhookPollMs: number;
  /** Wall time of one attempt, connection included. */
  webhookTimeoutMs: number;
  /** A receiver's answer is read up to this many bytes (the first 1 KB is kept); a longer one fails the attempt. */
  webhookMaxResponseBytes: number;
  /** The first retry's delay; each next one doubles (with jitter), up to 8 hours. */
  webhookRetryBaseMs: number;
  /** Retries stop this long after the event. */
  webhookRetryHorizonMs: number;
  /** An endpoint whose attempts have all failed for this long is disabled. */
  webhookDisableAfterMs: number;
  /** Finished deliveries (and their attempts) are deleted this long after they ended. */
  webhookRetentionMs: number;
};

/** Scraping jobs, credits and the worker (see "Scraping jobs and credits" in README.md). */
export type JobSettings = {
  /** Credits granted once per account, to the personal organization made at sign-up. */
  freeCredits: number;
  /** Lowercased emails of the instance's operators, who may grant credits. */
  adminEmails: string[];
  /** Run the job worker in this process; `WORKER=off` makes an API-only process. */
  workerEnabled: boolean;
  workerConcurrency: number;
  /** Threads that extract fetched pages, off the event loop; per process. */
  extractThreads: number;
  /** How often an idle worker looks for queued jobs. */
  workerPollMs: number;
  /** A running job's claim lasts this long without a heartbeat before another worker may take it. */
  jobLeaseMs: number;
  /** Claims of one job (crashes included) before it fails for good, releasing its credit. */
  jobMaxAttempts: number;
  /** On SIGTERM, how long running jobs may take to finish before they are re-queued. */
  shutdownGraceMs: number;
  /** Let jobs fetch loopback, private and link-local addresses (self-hosting on a LAN, tests). */
  allowPrivateTargets: boolean;
  /** Target ports jobs may fetch; "any" lifts the check. */
  allowedTargetPorts: number[] | "any";
  rateLimitKeyPerSecond: number;
  rateLimitKeyBurst: number;
  rateLimitProjectPerSecond: number;
  rateLimitProjectBurst: number;
};

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}; got "${raw}".`);
  }
  return value;
}

function webConcurrency(env: Env): number {
  if (env.WEB_CONCURRENCY?.trim() === "auto") return availableParallelism();
  try {
    return integer(env, "WEB_CONCURRENCY", 1, 1, 256);
  } catch {
    throw new ConfigError(`WEB_CONCURRENCY must be "auto" (one process per core) or a number from 1 to 256; got "${env.WEB_CONCURRENCY}".`);
  }
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false; got "${env[name]}".`);
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in the data directory, so
 * sessions survive restarts of a local server. Production refuses to guess.
 */
function jwtSecret(env: Env, production: boolean, dataDir: string, warn: (msg: string) => void): string {
  const given = env.JWT_SECRET;
  if (given) {
    if (given.length < 32) throw new ConfigError("JWT_SECRET must be at least 32 characters long.");
    return given;
  }
  if (production) throw new ConfigError("JWT_SECRET is required when NODE_ENV=production.");
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  warn(`JWT_SECRET is not set: generated one and saved it in ${file}. Set JWT_SECRET in production.`);
  return secret;
}

function leakReportSecret(env: Env): string | undefined {
  const given = env.LEAK_REPORT_SECRET;
  if (!given) return undefined;
  if (given.length < 16) throw new ConfigError("LEAK_REPORT_SECRET must be at least 16 characters long.");
  return given;
}

function host(env: Env): string {
  const raw = env.HOST?.trim();
  if (!raw) return "0.0.0.0";
  if (!/^[\w.:-]{1,253}$/.test(raw))
    throw new ConfigError(`HOST must be an address or host name such as 0.0.0.0 or 127.0.0.1; got "${raw}".`);
  return raw;
}

function ports(env: Env): number[] | "any" {
  const raw = env.ALLOWED_TARGET_PORTS?.trim();
  if (!raw) return [80, 443, 8080, 8443];
  if (raw === "*") return "any";
  const list = raw.split(",").map((p) => Number(p.trim()));
  if (list.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new ConfigError(`ALLOWED_TARGET_PORTS must be "*" or a comma-separated list of ports; got "${raw}".`);
  }
  return list;
}

/** One thread per core beyond the first (which serves the API), at least one, at most four. */
const defaultExtractThreads = () => Math.max(1, Math.min(4, availableParallelism() - 1));

function jobSettings(env: Env): JobSettings {
  const emails = (env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return {
    freeCredits: integer(env, "FREE_CREDITS", 1000, 0, 100_000_000),
    adminEmails: emails,
    workerEnabled: flag(env, "WORKER", true),
    // 32: in bench:jobs end-to-end runs, 4 slots did 97 jobs/s, 16 did 129, 32 did 138 and 64 did 133 (docs/performance.md).
    workerConcurrency: integer(env, "WORKER_CONCURRENCY", 32, 1, 256),
    extractThreads: integer(env, "EXTRACT_THREADS", defaultExtractThreads(), 1, 64),
    workerPollMs: integer(env, "WORKER_POLL_MS", 500, 10, 60_000),
    jobLeaseMs: integer(env, "JOB_LEASE_MS", 30_000, 500, 600_000),
    jobMaxAttempts: integer(env, "JOB_MAX_ATTEMPTS", 3, 1, 100),
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
    allowPrivateTargets: flag(env, "ALLOW_PRIVATE_TARGETS", false),
    allowedTargetPorts: ports(env),
    rateLimitKeyPerSecond: integer(env, "RATE_LIMIT_KEY_PER_SECOND", 10, 1, 100_000),
    rateLimitKeyBurst: integer(env, "RATE_LIMIT_KEY_BURST", 20, 1, 1_000_000),
    rateLimitProjectPerSecond: integer(env, "RATE_LIMIT_PROJECT_PER_SECOND", 50, 1, 100_000),
    rateLimitProjectBurst: integer(env, "RATE_LIMIT_PROJECT_BURST", 100, 1, 1_000_000),
  };
}

function webhookSettings(env: Env): WebhookSettings {
  const hour = 3_600_000;
  return {
    webhookConcurrency: integer(env, "WEBHOOK_CONCURRENCY", 4, 1, 256),
    webhookPollMs: integer(env, "WEBHOOK_POLL_MS", 1000, 10, 60_000),
    webhookTimeoutMs: integer(env, "WEBHOOK_TIMEOUT_MS", 10_000, 100, 60_000),
    webhookMaxResponseBytes: integer(env, "WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024, 1024, 10 * 1024 * 1024),
    webhookRetryBaseMs: integer(env, "WEBHOOK_RETRY_BASE_MS", 30_000, 10, hour),
    webhookRetryHorizonMs: integer(env, "WEBHOOK_RETRY_HORIZON_MS", 24 * hour, 1000, 30 * 24 * hour),
    webhookDisableAfterMs: integer(env, "WEBHOOK_DISABLE_AFTER_MS", 5 * 24 * hour, 1000, 365 * 24 * hour),
    webhookRetentionMs: integer(env, "WEBHOOK_RETENTION_MS", 30 * 24 * hour, 1000, 3650 * 24 * hour),
  };
}

export function loadConfig(env: Env = process.env, warn: (msg: string) => void = console.warn): Config {
  const production = env.NODE_ENV === "production";
  const dataDir = env.DATA_DIR || "./data";
  return {
    host: host(env),
    port: integer(env, "PORT", 3000, 0, 65535),
    production,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    embeddedPostgresPort: integer(env, "EMBEDDED_POSTGRES_PORT", 0, 0, 65535),
    jwtSecret: jwtSecret(env, production, dataDir, warn),
    accessTokenTtlSeconds: integer(env, "ACCESS_TOKEN_TTL_SECONDS", 900, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, "REFRESH_TOKEN_TTL_SECONDS", 30 * 86_400, 60, 365 * 86_400),
    keyUsageFlushMs: integer(env, "KEY_USAGE_FLUSH_MS", 1000, 10, 5000),
    trustProxy: flag(env, "TRUST_PROXY", false),
    logRequests: flag(env, "LOG_REQUESTS", true),
    authCacheSize: integer(env, "AUTH_CACHE_SIZE", 10_000, 0, 1_000_000),
    authCacheTtlMs: integer(env, "AUTH_CACHE_TTL_MS", 5000, 100, 60_000),
    rateLimitSignupsPerHour: integer(env, "RATE_LIMIT_SIGNUPS_PER_HOUR", 20, 1, 1_000_000),
    rateLimitOrgsPerHour: integer(env, "RATE_LIMIT_ORGS_PER_HOUR", 10, 1, 1_000_000),
    rateLimitOrgsPerAddressPerHour: integer(env, "RATE_LIMIT_ORGS_PER_ADDRESS_PER_HOUR", 30, 1, 1_000_000),
    authCacheLeaseMs: integer(env, "AUTH_CACHE_LEASE_MS", 2000, 300, 60_000),
    keyFailureBurst: integer(env, "KEY_FAILURE_BURST", 100, 1, 1_000_000_000),
    keyFailurePerSecond: integer(env, "KEY_FAILURE_PER_SECOND", 1, 1, 1_000_000),
    apiKeyMaxLifetimeDays: env.API_KEY_MAX_LIFETIME_DAYS ? integer(env, "API_KEY_MAX_LIFETIME_DAYS", 0, 1, 36_500) : undefined,
    apiKeyExpiryWarningDays: integer(env, "API_KEY_EXPIRY_WARNING_DAYS", 7, 0, 365),
    auditRetentionDays: integer(env, "AUDIT_RETENTION_DAYS", 365, 1, 36_500),
    leakReportSecret: leakReportSecret(env),
    rateLimitLeakReportsPerMinute: integer(env, "RATE_LIMIT_LEAK_REPORTS_PER_MINUTE", 60, 1, 1_000_000),
    webConcurrency: webConcurrency(env),
    reusePort: flag(env, "AZS_PROCESS_OF_MANY", false),
    ...jobSettings(env),
    ...webhookSettings(env),
  };
}
