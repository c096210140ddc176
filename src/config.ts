import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Every setting the server reads from the environment, parsed once. */
export type Config = {
  port: number;
  production: boolean;
  /** postgres:// URL; unset means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
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
  /** Longest a cached key is trusted without a fresh look at the database (safety net for a missed invalidation). */
  authCacheTtlMs: number;
  /** Mounts `GET /bench/projects/:projectId`, an unauthenticated twin of `GET /projects/{id}`, for `bun run bench`. */
  benchPublicTwin: boolean;
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

function benchTwin(env: Env, production: boolean): boolean {
  const on = flag(env, "BENCH_PUBLIC_TWIN", false);
  if (on && production) throw new ConfigError("BENCH_PUBLIC_TWIN serves a project without authentication; it is refused when NODE_ENV=production.");
  return on;
}

export function loadConfig(env: Env = process.env, warn: (msg: string) => void = console.warn): Config {
  const production = env.NODE_ENV === "production";
  const dataDir = env.DATA_DIR || "./data";
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    production,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    jwtSecret: jwtSecret(env, production, dataDir, warn),
    accessTokenTtlSeconds: integer(env, "ACCESS_TOKEN_TTL_SECONDS", 900, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, "REFRESH_TOKEN_TTL_SECONDS", 30 * 86_400, 60, 365 * 86_400),
    keyUsageFlushMs: integer(env, "KEY_USAGE_FLUSH_MS", 1000, 10, 5000),
    trustProxy: flag(env, "TRUST_PROXY", false),
    logRequests: flag(env, "LOG_REQUESTS", true),
    authCacheSize: integer(env, "AUTH_CACHE_SIZE", 10_000, 0, 1_000_000),
    authCacheTtlMs: integer(env, "AUTH_CACHE_TTL_MS", 5000, 100, 60_000),
    benchPublicTwin: benchTwin(env, production),
  };
}
