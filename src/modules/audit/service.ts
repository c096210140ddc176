import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import { olderThan, toPage } from "../../db/keyset";
import { auditEvents } from "../../db/schema";
import type { Deps } from "../../deps";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError } from "../../http/errors";
import { instantParameter } from "../../http/time-range";
import type { Query, Reply } from "../../http/types";
import { requireAdmin, requireMembership } from "../access";

type AuditPage = Reply<"listAuditEvents", 200>;
type AuditEventView = AuditPage["data"][number];
type Row = typeof auditEvents.$inferSelect;

const view = (e: Row): AuditEventView => ({
  id: e.id,
  organizationId: e.organizationId!,
  projectId: e.projectId,
  action: e.action as AuditEventView["action"],
  actor: { type: e.actorType, id: e.actorId },
  target: { type: e.targetType as AuditEventView["target"]["type"], id: e.targetId },
  ip: e.ip,
  userAgent: e.userAgent,
  requestId: e.requestId,
  createdAt: e.createdAt.toISOString(),
  details: e.details as Record<string, unknown>,
});

/**
 * One page of an organization's audit log, newest first, for its owners and admins. `from` is
 * inclusive and `to` exclusive, so consecutive ranges never count an event twice.
 */
export async function listAuditEvents(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  query: Query<"listAuditEvents">,
): Promise<AuditPage> {
  requireAdmin(await requireMembership(deps.db, principal.user.id, orgId));
  const limit = query.limit ?? 50;
  const from = instantParameter("from", query.from);
  const to = instantParameter("to", query.to);
  if (from && to && from >= to) throw new ApiError("validation_failed", "Parameter 'from' must be earlier than 'to'.");
  const rows = await deps.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organizationId, orgId),
        query.action ? eq(auditEvents.action, query.action) : undefined,
        query.actorId ? eq(auditEvents.actorId, query.actorId) : undefined,
        query.targetId ? eq(auditEvents.targetId, query.targetId) : undefined,
        query.projectId ? eq(auditEvents.projectId, query.projectId) : undefined,
        from ? gte(auditEvents.createdAt, from) : undefined,
        to ? lt(auditEvents.createdAt, to) : undefined,
        olderThan(auditEvents.createdAt, auditEvents.id, query.cursor === undefined ? undefined : decodeCursor(query.cursor)),
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit + 1);
  const { page, next } = toPage(rows, limit);
  return { data: page.map(view), nextCursor: next && encodeCursor(next) };
}
