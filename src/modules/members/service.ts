import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { databaseErrorCode } from "../../db/errors";
import { retryOnConflict } from "../../db/retry";
import { apiKeys, memberships, projects, users } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { requireAdmin, requireMembership } from "../access";
import { recordKeyEnded } from "../api-keys/key-ended";
import { notRevoked } from "../api-keys/key-settings";
import { actorOf } from "../audit/actor";
import { lockDecisionRows } from "./decision-rows";

type Member = Reply<"listMembers", 200>["data"][number];

const memberColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  joinedAt: memberships.createdAt,
};

export async function listMembers(deps: Deps, principal: SessionPrincipal, orgId: string): Promise<Member[]> {
  await requireMembership(deps.db, principal.user.id, orgId);
  const rows = await deps.db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId))
    .orderBy(asc(memberships.createdAt), asc(users.id));
  return rows.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }));
}

/** Owners and admins add existing users; only an owner can make another owner. */
export async function addMember(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  input: Body<"addMember">,
  context: AuditContext,
): Promise<Member> {
  const role = await requireMembership(deps.db, principal.user.id, orgId);
  requireAdmin(role);
  if (input.role === "owner" && role !== "owner") {
    throw new ApiError("forbidden", "Only an owner can add another owner.");
  }
  const [user] = await deps.db.select().from(users).where(eq(users.email, input.email.toLowerCase())).limit(1);
  if (!user) {
    throw new ApiError("not_found", "No account uses this email. Ask the person to sign up first, then add them.");
  }
  const now = deps.clock.now();
  try {
    await deps.db.transaction(async (tx) => {
      await tx.insert(memberships).values({ organizationId: orgId, userId: user.id, role: input.role, createdAt: now });
      await recordAuditEvent(
        tx,
        {
          action: "member.added",
          actor: actorOf(principal),
          target: { type: "user", id: user.id },
          organizationId: orgId,
          details: { role: input.role },
        },
        context,
        now,
      );
    });
  } catch (error) {
    if (databaseErrorCode(error) === "23505") {
      throw new ApiError("already_member", "This user is already a member of the organization.");
    }
    throw error;
  }
  return { userId: user.id, email: user.email, name: user.name, role: input.role, joinedAt: now.toISOString() };
}

/**
 * Anyone may leave; owners and admins remove others, and only an owner removes an owner. The last
 * owner stays. Removing a member revokes every key they made in the organization's projects in the
 * same transaction (reason `member_removed`), rolled ones in their grace period included, so
 * adding them back revives nothing; the commit tells every process to drop those keys from its
 * cache before this answers. Service accounts' keys they made are not theirs and stay.
 */
export async function removeMember(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  userId: string,
  context: AuditContext,
): Promise<void> {
  await requireMembership(deps.db, principal.user.id, orgId);
  await retryOnConflict(() =>
    deps.invalidation.commit({ kind: "member", organizationId: orgId, userId }, async (tx) => {
      const rows = await lockDecisionRows(tx, orgId, principal.user.id, userId);
      const callerRole = rows.find((m) => m.userId === principal.user.id)?.role;
      if (!callerRole) throw notFound("organization"); // removed meanwhile
      const target = rows.find((m) => m.userId === userId);
      if (!target) throw notFound("member");
      if (userId !== principal.user.id) {
        requireAdmin(callerRole);
        if (target.role === "owner" && callerRole !== "owner") {
          throw new ApiError("forbidden", "Only an owner can remove another owner.");
        }
      }
      if (target.role === "owner" && rows.filter((m) => m.role === "owner").length <= 1) {
        throw new ApiError("last_owner", "The last owner cannot be removed. Add another owner first.");
      }
      const now = deps.clock.now();
      const actor = actorOf(principal);
      await tx.delete(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
      await recordAuditEvent(
        tx,
        { action: "member.removed", actor, target: { type: "user", id: userId }, organizationId: orgId, details: { role: target.role } },
        context,
        now,
      );
      const orgProjects = tx.select({ id: projects.id }).from(projects).where(eq(projects.organizationId, orgId));
      const revoked = await tx
        .update(apiKeys)
        .set({ revokedAt: now, revokedReason: "member_removed" })
        .where(
          and(eq(apiKeys.createdBy, userId), isNull(apiKeys.serviceAccountId), notRevoked(now), inArray(apiKeys.projectId, orgProjects)),
        )
        .returning();
      for (const key of revoked) {
        await recordKeyEnded(tx, key, { actor, organizationId: orgId, context }, now);
      }
    }),
  );
}
