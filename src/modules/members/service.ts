import { and, asc, eq } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import type { Deps } from "../../deps";
import { databaseErrorCode } from "../../db/errors";
import { memberships, users } from "../../db/schema";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { requireAdmin, requireMembership } from "../access";

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
    await deps.db.insert(memberships).values({ organizationId: orgId, userId: user.id, role: input.role, createdAt: now });
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
 * owner stays. Removing a member also disables their keys here: key checks join on membership,
 * and the commit tells every process to drop that user's cached keys for this organization.
 */
export async function removeMember(deps: Deps, principal: SessionPrincipal, orgId: string, userId: string): Promise<void> {
  const callerRole = await requireMembership(deps.db, principal.user.id, orgId);
  await deps.invalidation.commit({ kind: "member", organizationId: orgId, userId }, async (tx) => {
    const [target] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)))
      .for("update");
    if (!target) throw notFound("member");
    if (userId !== principal.user.id) {
      requireAdmin(callerRole);
      if (target.role === "owner" && callerRole !== "owner") {
        throw new ApiError("forbidden", "Only an owner can remove another owner.");
      }
    }
    if (target.role === "owner") {
      // Lock the organization's owner rows so two owners cannot remove each other at once.
      const owners = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, "owner")))
        .for("update");
      if (owners.length <= 1) {
        throw new ApiError("last_owner", "The last owner cannot be removed. Add another owner first.");
      }
    }
    await tx.delete(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  });
}

