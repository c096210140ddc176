import { and, asc, count, eq } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import { projects, webhookEndpoints } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { requireProject } from "../access";
import { checkTargetUrl, targetPolicy } from "../jobs/target-url";
import { eventBody, PING_EVENT, queueDeliveries } from "./events";
import { generateSecret } from "./signing";
import { deliveryView, endpointView, type WebhookEndpointView } from "./view";

type CreatedEndpoint = Reply<"createWebhook", 201>["data"];

/** Bounds the list (it is not paginated) and the fan-out of one event. */
export const MAX_WEBHOOKS_PER_PROJECT = 20;
/** How long the secret a rotation replaced still signs, so receivers have time to switch. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

export async function loadEndpoint(deps: Deps, projectId: string, webhookId: string) {
  const [row] = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.projectId, projectId)));
  if (!row) throw notFound("webhook endpoint");
  return row;
}

export async function listWebhooks(deps: Deps, principal: SessionPrincipal, projectId: string): Promise<WebhookEndpointView[]> {
  await requireProject(deps.db, principal, projectId);
  const rows = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.projectId, projectId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(endpointView);
}

/**
 * Any member may add an endpoint, as any member may create a key. The count and the insert run
 * under a lock on the project row, so parallel creates cannot pass the limit.
 */
export async function createWebhook(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  input: Body<"createWebhook">,
): Promise<CreatedEndpoint> {
  await requireProject(deps.db, principal, projectId);
  const url = checkTargetUrl(input.url, targetPolicy(deps.config), "url", "webhook");
  const now = deps.clock.now();
  const secret = generateSecret();
  const row = await deps.db.transaction(async (tx) => {
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for("no key update");
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.projectId, projectId));
    if (n >= MAX_WEBHOOKS_PER_PROJECT) {
      throw new ApiError(
        "webhook_limit_reached",
        `A project can hold ${MAX_WEBHOOKS_PER_PROJECT} webhook endpoints. Delete unused ones first.`,
      );
    }
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        id: newId(now),
        projectId,
        url,
        description: input.description || null,
        events: input.events,
        secret,
        createdBy: principal.user.id,
        createdAt: now,
      })
      .returning();
    return created!;
  });
  return { ...endpointView(row), secret };
}

export async function updateWebhook(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  webhookId: string,
  input: Body<"updateWebhook">,
): Promise<WebhookEndpointView> {
  await requireProject(deps.db, principal, projectId);
  const current = await loadEndpoint(deps, projectId, webhookId);
  const now = deps.clock.now();
  const changes: Partial<typeof webhookEndpoints.$inferInsert> = {};
  if (input.url !== undefined) changes.url = checkTargetUrl(input.url, targetPolicy(deps.config), "url", "webhook");
  if (input.events !== undefined) changes.events = input.events;
  if (input.description !== undefined) changes.description = input.description || null;
  if (input.enabled === true && !current.enabled) {
    // A fresh start: the failures that disabled it are history.
    Object.assign(changes, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
  } else if (input.enabled === false && current.enabled) {
    Object.assign(changes, { enabled: false, disabledAt: now, disabledReason: "manual" });
  }
  if (Object.keys(changes).length === 0) return endpointView(current);
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set(changes)
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.projectId, projectId)))
    .returning();
  if (!row) throw notFound("webhook endpoint");
  return endpointView(row);
}

/** Deletes the endpoint; its deliveries and attempts go with it (foreign keys cascade). */
export async function deleteWebhook(deps: Deps, principal: SessionPrincipal, projectId: string, webhookId: string): Promise<void> {
  await requireProject(deps.db, principal, projectId);
  const deleted = await deps.db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.projectId, projectId)))
    .returning({ id: webhookEndpoints.id });
  if (deleted.length === 0) throw notFound("webhook endpoint");
}

/**
 * A new secret, shown once; the one it replaces keeps signing for ROTATION_GRACE_MS. A second
 * rotation within that time drops the oldest secret, so at most two ever sign.
 */
export async function rotateWebhookSecret(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  webhookId: string,
): Promise<CreatedEndpoint> {
  await requireProject(deps.db, principal, projectId);
  const current = await loadEndpoint(deps, projectId, webhookId);
  const now = deps.clock.now();
  const secret = generateSecret();
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS) })
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.projectId, projectId)))
    .returning();
  if (!row) throw notFound("webhook endpoint");
  return { ...endpointView(row), secret };
}

/** Queues a `webhook.ping` for this endpoint alone. */
export async function testWebhook(deps: Deps, principal: SessionPrincipal, projectId: string, webhookId: string) {
  await requireProject(deps.db, principal, projectId);
  const endpoint = await loadEndpoint(deps, projectId, webhookId);
  if (!endpoint.enabled) {
    throw new ApiError("webhook_disabled", "This webhook endpoint is disabled. Enable it (PATCH with enabled: true) first.");
  }
  const now = deps.clock.now();
  const destination = { projectId, endpointId: endpoint.id, url: endpoint.url };
  const [delivery] = await deps.db.transaction((tx) =>
    queueDeliveries(tx, [destination], PING_EVENT, eventBody(PING_EVENT, { webhookId }, now), now),
  );
  return deliveryView(delivery!, []);
}
