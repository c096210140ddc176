import { and, count, desc, eq, isNull } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import { generateApiKey, hashApiKey, keyHint } from "../../auth/api-key-format";
import type { SessionPrincipal } from "../../auth/principal";
import type { Tx } from "../../db/client";
import { apiKeys, projects, serviceAccounts } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Query, Reply } from "../../http/types";
import { newId } from "../../ids";
import { type Role, requireAdmin, requireProject } from "../access";
import { actorOf } from "../audit/actor";
import { recordKeyEnded } from "./key-ended";
import { checkExpiry, checkSettings, keyView, limitsView, notRevoked, withStatus } from "./key-settings";

type ApiKey = Reply<"listApiKeys", 200>["data"][number];
type CreatedApiKey = Reply<"createApiKey", 201>["data"];
type NewKey = typeof apiKeys.$inferInsert;
type KeyRow = typeof apiKeys.$inferSelect;

/** Bounds the list (it is not paginated) and the damage of a runaway script creating keys. */
export const MAX_ACTIVE_KEYS_PER_PROJECT = 100;

const active = (projectId: string, now: Date) => and(eq(apiKeys.projectId, projectId), notRevoked(now));

/** By default the keys that are not revoked (active and expired), newest first. */
export async function listKeys(deps: Deps, principal: SessionPrincipal, projectId: string, query: Query<"listApiKeys">): Promise<ApiKey[]> {
  await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  const status = query.status ?? "notRevoked";
  const filter = status === "all" ? undefined : status === "notRevoked" ? notRevoked(now) : withStatus(status, now);
  const rows = await deps.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.projectId, projectId), filter))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map((k) => keyView(k, now));
}

/** A fresh key's row (the secret itself is returned, never stored) with the given settings. */
export function newKeyRow(now: Date, fields: Omit<NewKey, "id" | "keyHash" | "keyHint" | "createdAt">) {
  const key = generateApiKey();
  return { key, row: { ...fields, id: newId(now), keyHash: hashApiKey(key), keyHint: keyHint(key), createdAt: now } satisfies NewKey };
}

/**
 * Inserts a key under a lock on the project row, so parallel creates queue and the limit of
 * active keys holds exactly. "no key update" conflicts only with itself: job inserts go on.
 */
export async function insertKey(tx: Tx, row: NewKey, now: Date): Promise<void> {
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, row.projectId)).for("no key update");
  const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(apiKeys).where(active(row.projectId, now));
  if (n >= MAX_ACTIVE_KEYS_PER_PROJECT) {
    throw new ApiError("key_limit_reached", `A project can hold ${MAX_ACTIVE_KEYS_PER_PROJECT} active keys. Revoke unused ones first.`);
  }
  await tx.insert(apiKeys).values(row);
}

/** A service account of this project that is not deleted, or 404. */
async function requireServiceAccount(tx: Tx, projectId: string, serviceAccountId: string): Promise<void> {
  const [account] = await tx
    .select({ id: serviceAccounts.id })
    .from(serviceAccounts)
    .where(and(eq(serviceAccounts.id, serviceAccountId), eq(serviceAccounts.projectId, projectId), isNull(serviceAccounts.deletedAt)))
    .for("share");
  if (!account) throw notFound("service account");
}

/**
 * Any member may create a key for themselves; a service account's key needs an owner or admin.
 * Only its hash and hint are stored; the key is returned once. The lifecycle change "key created".
 */
export async function createKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  input: Body<"createApiKey">,
  context: AuditContext,
): Promise<CreatedApiKey> {
  const project = await requireProject(deps.db, principal, projectId);
  if (input.serviceAccountId !== undefined) requireAdmin(project.role);
  const now = deps.clock.now();
  const settings = { expiresAt: checkExpiry(deps, input.expiresAt, now), ...checkSettings(deps, { ...input, expiresAt: undefined }, now) };
  const { key, row } = newKeyRow(now, {
    projectId,
    createdBy: principal.user.id,
    name: input.name,
    serviceAccountId: input.serviceAccountId ?? null,
    ...settings,
  });
  await deps.db.transaction(async (tx) => {
    if (row.serviceAccountId) await requireServiceAccount(tx, projectId, row.serviceAccountId);
    await insertKey(tx, row, now);
    await recordAuditEvent(
      tx,
      {
        action: "api_key.created",
        actor: actorOf(principal),
        target: { type: "api_key", id: row.id },
        organizationId: project.organizationId,
        projectId,
        details: createdKeyDetails(row),
      },
      context,
      now,
    );
  });
  return {
    ...newKeyView(row, key, now),
    ...limitsView({
      scopes: row.scopes ?? null,
      allowedIps: row.allowedIps ?? null,
      creditLimit: row.creditLimit ?? null,
      rateLimit: row.rateLimit ?? null,
    }),
    serviceAccountId: row.serviceAccountId ?? null,
  };
}

/**
 * Changing, rolling and revoking are for the key's creator or an owner/admin of the organization;
 * a service account's key, for an owner/admin only. Checked on the row the change's transaction
 * locked (a refusal rolls it back), so each change reads its key once.
 */
export function requireMayManage(key: Pick<KeyRow, "createdBy" | "serviceAccountId">, principal: SessionPrincipal, role: Role): void {
  if ((key.createdBy !== principal.user.id || key.serviceAccountId) && role === "member") {
    throw new ApiError("forbidden", "Only the key's creator or an owner or admin of the organization can change this key.");
  }
}

/**
 * Whether a PATCH sets anything the key cache holds (src/auth/api-key-lookup.ts: expiry, scopes,
 * allowlist, limits). The cache holds no name, so a rename alone need not reach every process;
 * any other field, even a future one, does.
 */
const changesCachedKey = (input: Body<"renameApiKey">) =>
  Object.entries(input).some(([field, value]) => field !== "name" && value !== undefined);

/**
 * Renames the key and changes its limits: the lifecycle change "key updated". A change to what
 * the key may do reaches every process's cache before this answers, so a narrowed key is narrow
 * on the next request anywhere; a rename commits alone, without waiting on the other processes.
 */
export async function updateKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  input: Body<"renameApiKey">,
  context: AuditContext,
): Promise<void> {
  const project = await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  const update = async (tx: Tx) => {
    const [before] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), active(projectId, now)))
      .for("update");
    if (!before) throw notFound("API key");
    requireMayManage(before, principal, project.role);
    const changes = { ...(input.name !== undefined && { name: input.name }), ...checkSettings(deps, input, now) };
    // A new expiry is a new occasion to warn and to record the end: the sweep's markers start over.
    const expiryMarkers = changes.expiresAt !== undefined && { expiryWarnedAt: null, expiryNotedAt: null };
    await tx
      .update(apiKeys)
      .set({ ...changes, ...expiryMarkers })
      .where(eq(apiKeys.id, keyId));
    const fields = Object.keys(changes) as (keyof typeof changes)[];
    await recordAuditEvent(
      tx,
      {
        action: "api_key.updated",
        actor: actorOf(principal),
        target: { type: "api_key", id: keyId },
        organizationId: project.organizationId,
        projectId,
        details: {
          keyHint: before.keyHint,
          before: Object.fromEntries(fields.map((f) => [f, before[f] ?? null])),
          after: Object.fromEntries(fields.map((f) => [f, changes[f] ?? null])),
        },
      },
      context,
      now,
    );
  };
  await (changesCachedKey(input) ? deps.invalidation.commit({ kind: "key", keyId }, update) : deps.db.transaction(update));
}

/**
 * Marks the key revoked (the row stays as a terminal marker) and, in the same commit, tells every
 * server process to drop the key from its cache: the next request with it, anywhere, gets 401.
 * A rolled key in its grace period ends at once too. The lifecycle change "key revoked".
 */
export async function revokeKey(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  keyId: string,
  context: AuditContext,
): Promise<void> {
  const project = await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  await deps.invalidation.commit({ kind: "key", keyId }, async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedReason: "revoked" })
      .where(and(eq(apiKeys.id, keyId), active(projectId, now)))
      .returning();
    if (!revoked) throw notFound("API key");
    requireMayManage(revoked, principal, project.role);
    await recordKeyEnded(tx, revoked, { actor: actorOf(principal), organizationId: project.organizationId, context }, now);
  });
}

/** What the answer that creates a key (a create, a roll) shows of it: the only time the secret is shown. */
export function newKeyView(row: NewKey, key: string, now: Date) {
  return {
    id: row.id,
    name: row.name,
    key,
    keyHint: row.keyHint,
    createdAt: now.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/**
 * What `api_key.created` records of a new key, whichever path made it (a create, a service
 * account's first key): who it is for and its limits, never the secret.
 */
export function createdKeyDetails(row: NewKey) {
  return { name: row.name, keyHint: row.keyHint, serviceAccountId: row.serviceAccountId ?? null, ...settingsDetails(row) };
}

/** A key's limits for the audit log: what it may do, from where, and how much. */
function settingsDetails(row: Pick<NewKey, "expiresAt" | "scopes" | "allowedIps" | "creditLimit" | "rateLimit">) {
  return {
    expiresAt: row.expiresAt ?? null,
    scopes: row.scopes ?? null,
    allowedIps: row.allowedIps ?? null,
    creditLimit: row.creditLimit ?? null,
    rateLimit: row.rateLimit ?? null,
  };
}
