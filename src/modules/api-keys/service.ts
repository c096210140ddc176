import { and, count, desc, eq, isNull } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import { generateApiKey, hashApiKey, KEY_PREFIX, keyHint } from "../../auth/api-key-format";
import type { SessionPrincipal } from "../../auth/principal";
import { apiKeys, projects } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { requireProject } from "../access";
import { actorOf } from "../audit/actor";

type ApiKey = Reply<"listApiKeys", 200>["data"][number];
type CreatedApiKey = Reply<"createApiKey", 201>["data"];

/** Bounds the list (it is not paginated) and the damage of a runaway script creating keys. */
export const MAX_ACTIVE_KEYS_PER_PROJECT = 100;

const active = (projectId: string) => and(eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt));

export async function listKeys(deps: Deps, principal: SessionPrincipal, projectId: string): Promise<ApiKey[]> {
  await requireProject(deps.db, principal, projectId);
  const rows = await deps.db.select().from(apiKeys).where(active(projectId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    keyHint: k.keyHint,
    prefix: KEY_PREFIX,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: k.lastUsedIp,
    createdBy: k.createdBy,
  }));
}

/**
 * Any member may create a key. Only its hash and hint are stored; the key is returned once. The
 * count and the insert run under a lock on the project row, so parallel creates queue and the
 * limit holds exactly.
 */
export async function createKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  input: Body<"createApiKey">,
  context: AuditContext,
): Promise<CreatedApiKey> {
  const project = await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  const key = generateApiKey();
  const row = {
    id: newId(now),
    projectId,
    createdBy: principal.user.id,
    name: input.name,
    keyHash: hashApiKey(key),
    keyHint: keyHint(key),
    createdAt: now,
  };
  await deps.db.transaction(async (tx) => {
    // "no key update" conflicts only with itself: job inserts (which key-share the project row) go on.
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for("no key update");
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(apiKeys).where(active(projectId));
    if (n >= MAX_ACTIVE_KEYS_PER_PROJECT) {
      throw new ApiError("key_limit_reached", `A project can hold ${MAX_ACTIVE_KEYS_PER_PROJECT} active keys. Revoke unused ones first.`);
    }
    await tx.insert(apiKeys).values(row);
    await recordAuditEvent(
      tx,
      {
        action: "api_key.created",
        actor: actorOf(principal),
        target: { type: "api_key", id: row.id },
        organizationId: project.organizationId,
        projectId,
        details: { name: row.name, keyHint: row.keyHint },
      },
      context,
      now,
    );
  });
  return { id: row.id, name: row.name, key, keyHint: row.keyHint, createdAt: now.toISOString() };
}

/** Renaming and revoking are for the key's creator or an owner/admin of the organization. */
async function requireManageableKey(deps: Deps, principal: SessionPrincipal, projectId: string, keyId: string) {
  const project = await requireProject(deps.db, principal, projectId);
  const [key] = await deps.db
    .select({ createdBy: apiKeys.createdBy, name: apiKeys.name, keyHint: apiKeys.keyHint })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), active(projectId)))
    .limit(1);
  if (!key) throw notFound("API key");
  if (key.createdBy !== principal.user.id && project.role === "member") {
    throw new ApiError("forbidden", "Only the key's creator or an owner or admin of the organization can change this key.");
  }
  return { ...key, organizationId: project.organizationId };
}

export async function renameKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  input: Body<"renameApiKey">,
  context: AuditContext,
): Promise<void> {
  const key = await requireManageableKey(deps, principal, projectId, keyId);
  // No cache invalidation: the key cache holds ids, never the name.
  await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), active(projectId)))
      .for("update");
    if (!before) throw notFound("API key"); // revoked meanwhile
    await tx.update(apiKeys).set({ name: input.name }).where(eq(apiKeys.id, keyId));
    await recordAuditEvent(
      tx,
      {
        action: "api_key.updated",
        actor: actorOf(principal),
        target: { type: "api_key", id: keyId },
        organizationId: key.organizationId,
        projectId,
        details: { keyHint: key.keyHint, before: { name: before.name }, after: { name: input.name } },
      },
      context,
      deps.clock.now(),
    );
  });
}

/**
 * Marks the key revoked (the row stays as a terminal marker) and, in the same commit, tells every
 * server process to drop the key from its cache: the next request with it, anywhere, gets 401.
 * A revoked key is gone from the list; revoking again is 404.
 */
export async function revokeKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  context: AuditContext,
): Promise<void> {
  const key = await requireManageableKey(deps, principal, projectId, keyId);
  await deps.invalidation.commit({ kind: "key", keyId }, async (tx) => {
    const now = deps.clock.now();
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedReason: "revoked" })
      .where(and(eq(apiKeys.id, keyId), active(projectId)))
      .returning({ id: apiKeys.id });
    if (revoked.length === 0) throw notFound("API key");
    await recordAuditEvent(
      tx,
      {
        action: "api_key.revoked",
        actor: actorOf(principal),
        target: { type: "api_key", id: keyId },
        organizationId: key.organizationId,
        projectId,
        details: { reason: "revoked", name: key.name, keyHint: key.keyHint },
      },
      context,
      now,
    );
  });
}
