import { sql } from "drizzle-orm";
import type { components } from "../../generated/openapi";
import type { Tx } from "../db/client";
import { auditEvents, projects } from "../db/schema";
import { newId } from "../ids";

/** Every action the audit log records: openapi.yaml's `AuditAction`, so the two cannot differ. */
export type AuditAction = components["schemas"]["AuditAction"];

export type AuditActor = { type: "user" | "api_key" | "service_account" | "system"; id: string | null };
export type AuditTarget = { type: "api_key" | "user" | "project" | "organization" | "service_account" | "webhook"; id: string };

export type AuditEvent = {
  action: AuditAction;
  actor: AuditActor;
  target: AuditTarget;
  /**
   * Null only for an event that concerns no organization (see `auditEvents`). Left out, it is the
   * organization of `projectId`, read by the insert itself.
   */
  organizationId?: string | null;
  projectId?: string | null;
  /** What changed, e.g. `{ before: { name }, after: { name } }`. Ids and hints only: never a secret. */
  details?: Record<string, unknown>;
};

/** Where the change came from; every field is null for a change no request made (a sweep, a job). */
export type AuditContext = { ip: string | null; userAgent: string | null; requestId: string | null };

export const NO_REQUEST: AuditContext = { ip: null, userAgent: null, requestId: null };

/** The actor of a change made on the system's own initiative (a sweep, a leaked-key report). */
export const SYSTEM: AuditActor = { type: "system", id: null };

/**
 * Writes one audit event. Call it with the transaction of the change it records, so the event
 * commits iff the change does: one call per change, next to the statement that makes it.
 */
export async function recordAuditEvent(tx: Tx, event: AuditEvent, context: AuditContext, at: Date): Promise<void> {
  await tx.insert(auditEvents).values({
    id: newId(at),
    organizationId:
      event.organizationId !== undefined || !event.projectId
        ? (event.organizationId ?? null)
        : sql`(select ${projects.organizationId} from ${projects} where ${projects.id} = ${event.projectId})`,
    projectId: event.projectId ?? null,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.id,
    targetType: event.target.type,
    targetId: event.target.id,
    ip: context.ip,
    // Bounded: a client chooses its User-Agent, and the log must not grow by whatever it sends.
    userAgent: context.userAgent?.slice(0, 256) ?? null,
    requestId: context.requestId,
    details: event.details ?? {},
    createdAt: at,
  });
}
