import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys } from "../db/schema";

/**
 * Records, once, that a key was refused because it expired: the moment the expiry took effect,
 * for the key's history. Each process asks at most once per key; the conditional update makes
 * the first refusal anywhere the one that counts. Returns true for that one.
 */
export class KeyExpiryRecorder {
  private readonly noted = new Set<string>();

  constructor(private readonly db: Db) {}

  async noteRefusal(keyId: string, now: Date): Promise<boolean> {
    if (this.noted.has(keyId)) return false;
    // Bounded: forgetting only costs one more conditional update that changes nothing.
    if (this.noted.size >= 10_000) this.noted.clear();
    this.noted.add(keyId);
    // A failed write only loses the note: the refusal itself stands.
    return recordExpiry(this.db, keyId, now).catch(() => false);
  }
}

/** The lifecycle change "the key expired", in one transaction; true when this call made it. */
export async function recordExpiry(db: Db, keyId: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const noted = await tx
      .update(apiKeys)
      .set({ expiryNotedAt: now })
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.expiryNotedAt)))
      .returning({ id: apiKeys.id });
    return noted.length > 0;
  });
}
