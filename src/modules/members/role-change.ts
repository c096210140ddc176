import { and, eq } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { retryOnConflict } from "../../db/retry";
import { memberships, users } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { requireAdmin, requireMembership } from "../access";
import { actorOf } from "../audit/actor";
import { lockDecisionRows } from "./decision-rows";

type Member = Reply<"changeMemberRole", 200>["data"];

/**
 * Owners and admins change roles; only an owner makes an owner or changes an owner's role, and the
 * last owner keeps theirs. As in `removeMember`, the caller's, the target's and every owner's rows
 * are locked by one statement in user-id order, so two owners demoting each other queue instead of
 * both succeeding. The role decides nothing about keys (keys belong to projects), so no invalidation.
 */
export async function changeMemberRole(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  userId: string,
  input: Body<"changeMemberRole">,
  context: AuditContext,
): Promise<Member> {
  await requireMembership(deps.db, principal.user.id, orgId);
  return retryOnConflict(() =>
    deps.db.transaction(async (tx) => {
      const rows = await lockDecisionRows(tx, orgId, principal.user.id, userId);
      const callerRole = rows.find((m) => m.userId === principal.user.id)?.role;
      if (!callerRole) throw notFound("organization");
      requireAdmin(callerRole);
      const target = rows.find((m) => m.userId === userId);
      if (!target) throw notFound("member");
      if ((target.role === "owner" || input.role === "owner") && callerRole !== "owner") {
        throw new ApiError("forbidden", "Only an owner can make an owner or change an owner's role.");
      }
      if (target.role === "owner" && input.role !== "owner" && rows.filter((m) => m.role === "owner").length <= 1) {
        throw new ApiError("last_owner", "The last owner cannot be demoted. Make another member an owner first.");
      }
      const [member] = await tx
        .update(memberships)
        .set({ role: input.role })
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)))
        .returning({ joinedAt: memberships.createdAt });
      if (target.role !== input.role) {
        await recordAuditEvent(
          tx,
          {
            action: "member.role_changed",
            actor: actorOf(principal),
            target: { type: "user", id: userId },
            organizationId: orgId,
            details: { before: { role: target.role }, after: { role: input.role } },
          },
          context,
          deps.clock.now(),
        );
      }
      const [user] = await tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
      return { userId, email: user!.email, name: user!.name, role: input.role, joinedAt: member!.joinedAt.toISOString() };
    }),
  );
}
