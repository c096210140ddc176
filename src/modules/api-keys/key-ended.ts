import { type AuditActor, type AuditContext, recordAuditEvent } from "../../audit/record";
import type { Tx } from "../../db/client";
import type { apiKeys } from "../../db/schema";
import { enqueueKeyEvent } from "../webhooks/api-key-events";

type EndedKey = typeof apiKeys.$inferSelect;

/**
 * What every path that ends a key (a revoke, a member's removal, a service account's deletion, a
 * leak report) writes in its own transaction: the `api_key.revoked` webhook event and audit
 * event, both carrying the row's `revokedReason`.
 */
export async function recordKeyEnded(
  tx: Tx,
  key: EndedKey,
  by: { actor: AuditActor; organizationId: string; context: AuditContext },
  now: Date,
): Promise<void> {
  await enqueueKeyEvent(tx, "api_key.revoked", key, now);
  await recordAuditEvent(
    tx,
    {
      action: "api_key.revoked",
      actor: by.actor,
      target: { type: "api_key", id: key.id },
      organizationId: by.organizationId,
      projectId: key.projectId,
      details: { reason: key.revokedReason, name: key.name, keyHint: key.keyHint },
    },
    by.context,
    now,
  );
}
