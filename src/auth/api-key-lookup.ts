import { timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { preparedPerDatabase } from "../db/prepared";
import { API_KEY_SCOPES, type ApiKeyScope, apiKeys, type KeyCreditLimit, type KeyRateLimit, memberships, projects } from "../db/schema";
import { type IpAllowlist, parseAllowlist } from "./ip-allowlist";

/**
 * A key that may authenticate, with everything the checks on each request need: a cache hit
 * answers from this record alone. Times are epoch milliseconds, compared with the clock per request.
 */
export type ActiveKey = {
  keyId: string;
  userId: string;
  projectId: string;
  organizationId: string;
  /** Set for a service account's key: the principal acts for the account. */
  serviceAccountId: string | null;
  /** After this the key answers 401 `api_key_expired`. */
  expiresAt: number | null;
  /** A rolled key's end of grace: after this it answers 401 `invalid_api_key`, as revoked. */
  endsAt: number | null;
  scopes: readonly ApiKeyScope[];
  allowedIps: IpAllowlist | null;
  creditLimit: KeyCreditLimit | null;
  rateLimit: KeyRateLimit | null;
};

/**
 * One indexed query per key check, prepared once per database. Removing a member revokes their
 * keys; the membership join is a second guard, for a key created while its creator was removed.
 * A service account's key needs no membership: it outlives its creator's. A rolled key in its
 * grace period has `revokedAt` in the future and is still found.
 */
const findByHash = preparedPerDatabase((db: Db) =>
  db
    .select({
      keyId: apiKeys.id,
      keyHash: apiKeys.keyHash,
      userId: apiKeys.createdBy,
      projectId: apiKeys.projectId,
      organizationId: projects.organizationId,
      serviceAccountId: apiKeys.serviceAccountId,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      scopes: apiKeys.scopes,
      allowedIps: apiKeys.allowedIps,
      creditLimit: apiKeys.creditLimit,
      rateLimit: apiKeys.rateLimit,
    })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .leftJoin(memberships, and(eq(memberships.organizationId, projects.organizationId), eq(memberships.userId, apiKeys.createdBy)))
    .where(
      and(
        eq(apiKeys.keyHash, sql.placeholder("hash")),
        or(isNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, sql`${sql.placeholder("now")}::timestamptz`)),
        or(isNotNull(apiKeys.serviceAccountId), isNotNull(memberships.userId)),
      ),
    )
    .limit(1)
    .prepare("find_active_api_key"),
);

/** The key with this hash that may still authenticate (expired ones included, to say so), or null. */
export async function findActiveKey(db: Db, hash: string, now: Date): Promise<ActiveKey | null> {
  const [row] = await findByHash(db).execute({ hash, now: now.toISOString() });
  // The index found the row by hash; compare the digests in constant time all the same, so the
  // answer never depends on how many characters of a guess matched.
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) return null;
  return {
    keyId: row.keyId,
    userId: row.userId,
    projectId: row.projectId,
    organizationId: row.organizationId,
    serviceAccountId: row.serviceAccountId,
    expiresAt: row.expiresAt?.getTime() ?? null,
    endsAt: row.revokedAt?.getTime() ?? null,
    scopes: row.scopes ?? API_KEY_SCOPES,
    allowedIps: row.allowedIps ? parseAllowlist(row.allowedIps) : null,
    creditLimit: row.creditLimit,
    rateLimit: row.rateLimit,
  };
}
