import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { refreshTokens } from "../db/schema";
import { newId } from "../ids";

const PREFIX = "azr_";
const hash = (token: string) => new Bun.CryptoHasher("sha256").update(token).digest("hex");

/** Opaque, 256 random bits, stored only as a hash. */
export async function issueRefreshToken(db: Db, userId: string, familyId: string, now: Date, ttlSeconds: number): Promise<string> {
  const token = PREFIX + randomBytes(32).toString("base64url");
  await db.insert(refreshTokens).values({
    id: newId(now),
    userId,
    familyId,
    tokenHash: hash(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
  });
  return token;
}

type Spent = { userId: string; familyId: string } | null;

/**
 * Marks a token used and returns its owner, exactly once. A token presented a second time means
 * it was copied: the whole family (every token rotated from that login) is revoked.
 */
export async function spendRefreshToken(db: Db, token: string, now: Date): Promise<Spent> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash(token)))
    .limit(1);
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  const [spent] = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (!spent) {
    await revokeFamily(db, row.familyId, now);
    return null;
  }
  return { userId: row.userId, familyId: row.familyId };
}

async function revokeFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** For logout: revokes the token's family if the token is known; silent otherwise (RFC 7009). */
export async function revokeByToken(db: Db, token: string, now: Date): Promise<void> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash(token)))
    .limit(1);
  if (row) await revokeFamily(db, row.familyId, now);
}
