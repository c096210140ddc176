import type { Tx } from "../../db/client";
import type { apiKeys } from "../../db/schema";
import { enqueueWebhookEvent } from "./events";

type Key = Pick<typeof apiKeys.$inferSelect, "id" | "projectId" | "name" | "keyHint" | "revokedAt" | "revokedReason">;
type KeyEvent = "api_key.revoked" | "api_key.expiring" | "api_key.expired";

/**
 * Queues an `api_key.*` event for the key's project, in the transaction that ends (or dates) the
 * key. `revoked` carries the reason and time; `expiring` and `expired` carry `expiresAt`.
 */
export async function enqueueKeyEvent(tx: Tx, type: KeyEvent, key: Key, now: Date, extra: { expiresAt?: Date } = {}): Promise<void> {
  const data = {
    id: key.id,
    projectId: key.projectId,
    name: key.name,
    keyHint: key.keyHint,
    ...(type === "api_key.revoked" ? { reason: key.revokedReason ?? "revoked", revokedAt: (key.revokedAt ?? now).toISOString() } : {}),
    ...(extra.expiresAt ? { expiresAt: extra.expiresAt.toISOString() } : {}),
  };
  await enqueueWebhookEvent(tx, { projectId: key.projectId }, type, data, now);
}
