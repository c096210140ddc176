import { and, gt, isNull, lte, or, type SQL } from "drizzle-orm";
import { KEY_PREFIX } from "../../auth/api-key-format";
import { parseRange } from "../../auth/ip-allowlist";
import { DAY_MS } from "../../clock";
import { API_KEY_SCOPES, apiKeys } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Body, Reply } from "../../http/types";

type Settings = Omit<Body<"renameApiKey">, "name">;
type KeyRow = typeof apiKeys.$inferSelect;
export type KeyStatus = "active" | "expired" | "revoked";

const invalid = (message: string) => new ApiError("validation_failed", message);

/** Not revoked yet: a rolled key in its grace period (revokedAt in the future) still counts. */
export const notRevoked = (now: Date): SQL => or(isNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, now))!;

/** The rows with one status at `now`, the same rule as `statusAt`. */
export function withStatus(status: KeyStatus, now: Date): SQL {
  const unexpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))!;
  if (status === "revoked") return lte(apiKeys.revokedAt, now);
  if (status === "expired") return and(notRevoked(now), lte(apiKeys.expiresAt, now))!;
  return and(notRevoked(now), unexpired)!;
}

export function statusAt(key: Pick<KeyRow, "revokedAt" | "expiresAt">, now: Date): KeyStatus {
  if (key.revokedAt && key.revokedAt <= now) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  return "active";
}

/**
 * The latest expiry the operator's cap (`API_KEY_MAX_LIFETIME_DAYS`) allows a key made or renewed
 * at `now`; null when there is no cap.
 */
export function maxExpiry(deps: Deps, now: Date): Date | null {
  const maxDays = deps.config.apiKeyMaxLifetimeDays;
  return maxDays === undefined ? null : new Date(now.getTime() + maxDays * DAY_MS);
}

/** The expiry a new key gets, checked against the operator's cap; `undefined` means none was given. */
export function checkExpiry(deps: Deps, given: string | null | undefined, now: Date): Date | null {
  const latest = maxExpiry(deps, now);
  const lifetime = `on this server a key may live at most ${deps.config.apiKeyMaxLifetimeDays} days`;
  if (given === undefined || given === null) {
    if (latest) throw invalid(`Field 'expiresAt' is required: ${lifetime}. Pick a date before then.`);
    return null;
  }
  const at = new Date(given);
  if (Number.isNaN(at.getTime())) throw invalid("Field 'expiresAt' must be an ISO 8601 date-time such as 2026-12-01T00:00:00Z.");
  if (at <= now) throw invalid("Field 'expiresAt' must be in the future.");
  if (latest && at > latest) throw invalid(`Field 'expiresAt' is too far ahead: ${lifetime} (until ${latest.toISOString()}).`);
  return at;
}

/** The allowlist in canonical form, or a 400 naming the first entry that is not an address or range. */
export function checkAllowedIps(given: string[] | null): string[] | null {
  if (given === null) return null;
  return given.map((entry, i) => {
    const range = parseRange(entry.trim());
    if (!range) {
      throw invalid(
        `Field 'allowedIps[${i}]' ('${entry.slice(0, 64)}') is not an IPv4 or IPv6 address or CIDR range such as 203.0.113.0/24.`,
      );
    }
    return entry.includes("/") ? `${range[0].toString()}/${range[1]}` : range[0].toString();
  });
}

/** A key's own rate limit may narrow the project's, never widen it. */
export function checkRateLimit(deps: Deps, given: Settings["rateLimit"]): Settings["rateLimit"] {
  const { rateLimitProjectPerSecond: perSecond, rateLimitProjectBurst: burst } = deps.config;
  if (given && (given.perSecond > perSecond || given.burst > burst)) {
    throw invalid(
      `Field 'rateLimit' cannot exceed the project's limit of ${perSecond} per second with bursts of ${burst}; lower perSecond or burst.`,
    );
  }
  return given;
}

/** The limits a create or PATCH body sets, checked; fields it leaves out stay out. */
export function checkSettings(deps: Deps, input: Settings, now: Date) {
  return {
    ...(input.expiresAt !== undefined && { expiresAt: checkExpiry(deps, input.expiresAt, now) }),
    ...(input.scopes !== undefined && { scopes: [...input.scopes].sort((a, b) => API_KEY_SCOPES.indexOf(a) - API_KEY_SCOPES.indexOf(b)) }),
    ...(input.allowedIps !== undefined && { allowedIps: checkAllowedIps(input.allowedIps) }),
    ...(input.creditLimit !== undefined && { creditLimit: input.creditLimit }),
    ...(input.rateLimit !== undefined && { rateLimit: checkRateLimit(deps, input.rateLimit) }),
  };
}

/** What the list shows of a key: the seed's fields, then its limits and how it ended. */
export function keyView(k: KeyRow, now: Date): Reply<"listApiKeys", 200>["data"][number] {
  return {
    id: k.id,
    name: k.name,
    keyHint: k.keyHint,
    prefix: KEY_PREFIX,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: k.lastUsedIp,
    createdBy: k.createdBy,
    status: statusAt(k, now),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    revokedReason: k.revokedReason ?? null,
    ...limitsView(k),
    serviceAccountId: k.serviceAccountId,
    rolledFromId: k.rolledFromId,
  };
}

export const limitsView = (k: Pick<KeyRow, "scopes" | "allowedIps" | "creditLimit" | "rateLimit">) => ({
  scopes: k.scopes ?? [...API_KEY_SCOPES],
  allowedIps: k.allowedIps,
  creditLimit: k.creditLimit,
  rateLimit: k.rateLimit,
});
