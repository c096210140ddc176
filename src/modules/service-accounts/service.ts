import { and, asc, eq, isNull } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { apiKeys, serviceAccounts } from "../../db/schema";
import type { Deps } from "../../deps";
import { notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { requireAdmin, requireProject } from "../access";
import { recordKeyEnded } from "../api-keys/key-ended";
import { maxExpiry, notRevoked } from "../api-keys/key-settings";
import { createdKeyDetails, insertKey, newKeyRow } from "../api-keys/service";
import { actorOf } from "../audit/actor";

type ServiceAccount = Reply<"listServiceAccounts", 200>["data"][number];

export async function listServiceAccounts(deps: Deps, principal: SessionPrincipal, projectId: string): Promise<ServiceAccount[]> {
  await requireProject(deps.db, principal, projectId);
  const rows = await deps.db
    .select()
    .from(serviceAccounts)
    .where(and(eq(serviceAccounts.projectId, projectId), isNull(serviceAccounts.deletedAt)))
    .orderBy(asc(serviceAccounts.createdAt), asc(serviceAccounts.id));
  return rows.map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt.toISOString(), createdBy: a.createdBy }));
}

/**
 * An owner or admin creates the account and its first key, in one transaction: the lifecycle
 * change "service account created". Under `API_KEY_MAX_LIFETIME_DAYS` the key gets the longest
 * life allowed, since the body has no expiry to give.
 */
export async function createServiceAccount(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  input: Body<"createServiceAccount">,
  context: AuditContext,
): Promise<Reply<"createServiceAccount", 201>["data"]> {
  const project = await requireProject(deps.db, principal, projectId);
  requireAdmin(project.role);
  const now = deps.clock.now();
  const account = { id: newId(now), projectId, name: input.name, createdBy: principal.user.id, createdAt: now };
  const { key, row } = newKeyRow(now, {
    projectId,
    createdBy: principal.user.id,
    name: input.name,
    serviceAccountId: account.id,
    expiresAt: maxExpiry(deps, now),
  });
  await deps.db.transaction(async (tx) => {
    await tx.insert(serviceAccounts).values(account);
    await insertKey(tx, row, now);
    const event = { actor: actorOf(principal), organizationId: project.organizationId, projectId };
    await recordAuditEvent(
      tx,
      { ...event, action: "service_account.created", target: { type: "service_account", id: account.id }, details: { name: account.name } },
      context,
      now,
    );
    await recordAuditEvent(
      tx,
      { ...event, action: "api_key.created", target: { type: "api_key", id: row.id }, details: createdKeyDetails(row) },
      context,
      now,
    );
  });
  return {
    id: account.id,
    name: account.name,
    createdAt: now.toISOString(),
    apiKey: { id: row.id, name: row.name, key, keyHint: row.keyHint, createdAt: now.toISOString() },
  };
}

/**
 * Marks the account deleted and revokes its keys (`service_account_deleted`), rolled ones in their
 * grace included, telling every process to drop them before this answers: the lifecycle change
 * "service account deleted". For an owner or admin.
 */
export async function deleteServiceAccount(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  id: string,
  context: AuditContext,
): Promise<void> {
  const project = await requireProject(deps.db, principal, projectId);
  requireAdmin(project.role);
  const now = deps.clock.now();
  await deps.invalidation.commit({ kind: "serviceAccount", serviceAccountId: id }, async (tx) => {
    const [deleted] = await tx
      .update(serviceAccounts)
      .set({ deletedAt: now })
      .where(and(eq(serviceAccounts.id, id), eq(serviceAccounts.projectId, projectId), isNull(serviceAccounts.deletedAt)))
      .returning({ id: serviceAccounts.id, name: serviceAccounts.name });
    if (!deleted) throw notFound("service account");
    const event = { actor: actorOf(principal), organizationId: project.organizationId, projectId };
    await recordAuditEvent(
      tx,
      { ...event, action: "service_account.deleted", target: { type: "service_account", id }, details: { name: deleted.name } },
      context,
      now,
    );
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedReason: "service_account_deleted" })
      .where(and(eq(apiKeys.serviceAccountId, id), notRevoked(now)))
      .returning();
    for (const key of revoked) {
      await recordKeyEnded(tx, key, { actor: event.actor, organizationId: project.organizationId, context }, now);
    }
  });
}
