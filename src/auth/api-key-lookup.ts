import { timingSafeEqual } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { preparedPerDatabase } from "../db/prepared";
import { apiKeys, memberships, projects } from "../db/schema";

export type ActiveKey = { keyId: string; userId: string; projectId: string; organizationId: string };

/**
 * One indexed query per key check, prepared once per database. Removing a member revokes their
 * keys; the membership join is a second guard, for a key created while its creator was removed.
 */
const findByHash = preparedPerDatabase((db: Db) =>
  db
    .select({
      keyId: apiKeys.id,
      keyHash: apiKeys.keyHash,
      userId: apiKeys.createdBy,
      projectId: apiKeys.projectId,
      organizationId: projects.organizationId,
    })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .innerJoin(memberships, and(eq(memberships.organizationId, projects.organizationId), eq(memberships.userId, apiKeys.createdBy)))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("hash")), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare("find_active_api_key"),
);

/** The active key with this hash whose creator still belongs to its organization, or null. */
export async function findActiveKey(db: Db, hash: string): Promise<ActiveKey | null> {
  const [row] = await findByHash(db).execute({ hash });
  // The index found the row by hash; compare the digests in constant time all the same, so the
  // answer never depends on how many characters of a guess matched.
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) return null;
  return { keyId: row.keyId, userId: row.userId, projectId: row.projectId, organizationId: row.organizationId };
}
