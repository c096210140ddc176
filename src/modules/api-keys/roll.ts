import { and, eq, sql } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { apiKeys } from "../../db/schema";
import type { Deps } from "../../deps";
import { notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { requireProject } from "../access";
import { actorOf } from "../audit/actor";
import { enqueueKeyEvent } from "../webhooks/api-key-events";
import { maxExpiry, notRevoked } from "./key-settings";
import { newKeyRow, newKeyView, requireMayManage } from "./service";

type RolledApiKey = Reply<"rollApiKey", 201>["data"];

/**
 * A rolled key's expiry: the old key's lifetime again, from now (rolling is how an expiring key
 * is renewed), never past the operator's cap; none when the old key had none and there is no cap.
 */
function renewedExpiry(deps: Deps, old: { createdAt: Date; expiresAt: Date | null }, now: Date): Date | null {
  const cap = maxExpiry(deps, now);
  if (!old.expiresAt) return cap;
  const renewed = new Date(now.getTime() + Math.max(old.expiresAt.getTime() - old.createdAt.getTime(), 0));
  return cap && cap < renewed ? cap : renewed;
}

/**
 * Replaces a key: the new one copies its name, owner, service account and limits; the old one
 * works until `now + grace`, then ends as `rolled`. The lifecycle change "key rolled", in one
 * transaction that also tells every process to re-read the old key, so a grace of 0 ends it
 * everywhere before this answers, like a revoke. The new key is not counted against the
 * project's limit of active keys: the old one is on its way out.
 */
export async function rollKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  input: Body<"rollApiKey">,
  context: AuditContext,
): Promise<RolledApiKey> {
  const { organizationId, role } = await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  const endsAt = new Date(now.getTime() + (input.gracePeriodSeconds ?? 86_400) * 1000);
  const { key, row, ended } = await deps.invalidation.commit({ kind: "key", keyId }, async (tx) => {
    // A key rolled twice keeps the earlier end of its grace.
    const [ended] = await tx
      .update(apiKeys)
      .set({
        revokedAt: sql`least(coalesce(${apiKeys.revokedAt}, ${endsAt.toISOString()}::timestamptz), ${endsAt.toISOString()}::timestamptz)`,
        revokedReason: "rolled",
      })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId), notRevoked(now)))
      .returning();
    if (!ended) throw notFound("API key");
    requireMayManage(ended, principal, role);
    // The new key copies the row as this statement locked it, so no concurrent PATCH is undone.
    const { key, row } = newKeyRow(now, {
      projectId,
      createdBy: ended.createdBy,
      name: ended.name,
      serviceAccountId: ended.serviceAccountId,
      expiresAt: renewedExpiry(deps, ended, now),
      scopes: ended.scopes,
      allowedIps: ended.allowedIps,
      creditLimit: ended.creditLimit,
      rateLimit: ended.rateLimit,
      rolledFromId: ended.id,
    });
    await tx.insert(apiKeys).values(row);
    // Subscribers hear of the end when it is decided; `revokedAt` says when it takes effect.
    await enqueueKeyEvent(tx, "api_key.revoked", ended, now);
    await recordAuditEvent(
      tx,
      {
        action: "api_key.rolled",
        actor: actorOf(principal),
        target: { type: "api_key", id: keyId },
        organizationId,
        projectId,
        details: { keyHint: ended.keyHint, newKeyId: row.id, newKeyHint: row.keyHint, oldKeyEndsAt: ended.revokedAt },
      },
      context,
      now,
    );
    return { key, row, ended };
  });
  // The old key stops at the end of its grace, or at its own expiry if that comes first.
  const oldEndsAt = new Date(Math.min(ended.revokedAt!.getTime(), ended.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY));
  return {
    ...newKeyView(row, key, now),
    rolledFromId: ended.id,
    rolledFromEndsAt: oldEndsAt.toISOString(),
  };
}
