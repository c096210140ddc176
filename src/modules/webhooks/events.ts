import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { components } from "../../../generated/openapi";
import { anyOf } from "../../db/any-of";
import type { Tx } from "../../db/client";
import { projects, webhookDeliveries, webhookEndpoints } from "../../db/schema";
import { newId } from "../../ids";

/** Every event an endpoint can subscribe to: openapi.yaml's `WebhookEventType`, so the two cannot differ. */
export type WebhookEventType = components["schemas"]["WebhookEventType"];
/** Sent only by `POST …/webhooks/{webhookId}/test`, to that one endpoint. */
export const PING_EVENT = "webhook.ping";

/** Who an event concerns: one project's endpoints, or (for organization events) every project's. */
export type EventScope = { projectId: string } | { organizationId: string };

/** The body every delivery of the event carries, the bytes that are signed. */
export const eventBody = (type: string, data: object, now: Date) => JSON.stringify({ type, timestamp: now.toISOString(), data });

type Destination = { projectId: string; endpointId: string | null; url: string };
/** One delivery to queue: where it goes, and the event it carries. */
type NewDelivery = Destination & { type: string; body: string; now: Date };

/**
 * Inserts the deliveries in one statement whatever their number: the rows travel as one JSON
 * parameter (a settled group's events, one row per destination, could pass the protocol's limit
 * of 65,535 parameters as one parameter per value).
 */
function insertDeliveries(tx: Tx, deliveries: NewDelivery[]) {
  const rows = JSON.stringify(
    deliveries.map((d) => ({
      id: newId(d.now),
      projectId: d.projectId,
      endpointId: d.endpointId,
      url: d.url,
      type: d.type,
      payload: d.body,
      at: d.now.toISOString(),
    })),
  );
  const input = sql`jsonb_to_recordset(${rows}::jsonb)
    as x(id text, "projectId" text, "endpointId" text, url text, type text, payload text, at timestamptz)`;
  // Every column, in the table's order: Drizzle refuses any other, so a new column fails here, loudly.
  return tx.insert(webhookDeliveries).select((qb) =>
    qb
      .select({
        id: sql`x.id`.as("id"),
        projectId: sql`x."projectId"`.as("project_id"),
        endpointId: sql`x."endpointId"`.as("endpoint_id"),
        url: sql`x.url`.as("url"),
        eventType: sql`x.type`.as("event_type"),
        payload: sql`x.payload`.as("payload"),
        status: sql`'pending'`.as("status"),
        attempts: sql`0`.as("attempts"),
        nextAttemptAt: sql`x.at`.as("next_attempt_at"),
        leaseExpiresAt: sql`null::timestamptz`.as("lease_expires_at"),
        createdAt: sql`x.at`.as("created_at"),
        finishedAt: sql`null::timestamptz`.as("finished_at"),
      })
      .from(input),
  );
}

/** Queues one delivery per destination; the worker sends them (src/worker/webhook-delivery.ts). */
export async function queueDeliveries(tx: Tx, destinations: Destination[], type: string, body: string, now: Date) {
  if (destinations.length === 0) return [];
  return insertDeliveries(
    tx,
    destinations.map((d) => ({ ...d, type, body, now })),
  ).returning();
}

/** One event to queue: whom it concerns, what happened and when, and any destination of its own (`alsoTo`), such as a job's `webhook.url`. */
export type WebhookEvent = {
  scope: EventScope;
  type: WebhookEventType;
  data: object;
  now: Date;
  alsoTo?: { projectId: string; url: string };
};

/** The enabled endpoints in any of the events' scopes that subscribe to any of their types, oldest first. */
function subscribedEndpoints(tx: Tx, events: WebhookEvent[]) {
  const projectIds = [...new Set(events.flatMap(({ scope }) => ("projectId" in scope ? [scope.projectId] : [])))];
  const organizationIds = [...new Set(events.flatMap(({ scope }) => ("organizationId" in scope ? [scope.organizationId] : [])))];
  const types = [...new Set(events.map((e) => e.type))];
  return tx
    .select({
      id: webhookEndpoints.id,
      projectId: webhookEndpoints.projectId,
      organizationId: projects.organizationId,
      url: webhookEndpoints.url,
      events: webhookEndpoints.events,
    })
    .from(webhookEndpoints)
    .innerJoin(projects, eq(projects.id, webhookEndpoints.projectId))
    .where(
      and(
        eq(webhookEndpoints.enabled, true),
        // Only the scopes there are, each through webhook_endpoints_project_idx: an OR across the
        // join's two tables could only be checked after joining every enabled endpoint.
        or(
          projectIds.length ? anyOf(webhookEndpoints.projectId, projectIds) : undefined,
          organizationIds.length
            ? inArray(
                webhookEndpoints.projectId,
                tx.select({ id: projects.id }).from(projects).where(anyOf(projects.organizationId, organizationIds)),
              )
            : undefined,
        ),
        // Subscribed to any of the types: `?|` looks for each among the endpoint's list of event types.
        sql`${webhookEndpoints.events} ?| ${sql.param(types)}::text[]`,
      ),
    )
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

/**
 * Queues each event for every enabled endpoint in its scope that subscribes to it, plus its
 * `alsoTo`: one read of the endpoints and one insert, however many events (a settled group's
 * `job.*` and `batch.completed`). Call it inside the transaction that makes the events true (jobs'
 * final states, a revocation), so they are stored exactly when the change is, and never lost to a
 * crash between the two. (Deliveries go out concurrently: nothing promises their order.)
 */
export async function enqueueWebhookEvents(tx: Tx, events: WebhookEvent[]): Promise<void> {
  if (events.length === 0) return;
  const endpoints = await subscribedEndpoints(tx, events);
  const deliveries = events.flatMap(({ scope, type, data, now, alsoTo }) => {
    const inScope = (e: (typeof endpoints)[number]) =>
      "projectId" in scope ? e.projectId === scope.projectId : e.organizationId === scope.organizationId;
    const destinations: Destination[] = endpoints
      .filter((e) => inScope(e) && e.events.includes(type))
      .map((e) => ({ projectId: e.projectId, endpointId: e.id, url: e.url }));
    if (alsoTo) destinations.push({ ...alsoTo, endpointId: null });
    const body = eventBody(type, data, now);
    return destinations.map((d) => ({ ...d, type, body, now }));
  });
  if (deliveries.length > 0) await insertDeliveries(tx, deliveries);
}

/** Queues one event: `enqueueWebhookEvents` for an event alone. */
export function enqueueWebhookEvent(
  tx: Tx,
  scope: EventScope,
  type: WebhookEventType,
  data: object,
  now: Date,
  alsoTo?: { projectId: string; url: string },
): Promise<void> {
  return enqueueWebhookEvents(tx, [{ scope, type, data, now, alsoTo }]);
}
