import { asc, eq } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { databaseErrorCode } from "../../db/errors";
import { memberships, organizations, users } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { actorOf } from "../audit/actor";
import { limitNewOrganizations } from "../creation-limits";

type Organization = Reply<"listOrganizations", 200>["data"][number];

/** A signed, unexpired token whose user row was deleted since: the session is over, not broken. */
const accountGone = () =>
  new ApiError("invalid_token", "The account of this session no longer exists. Sign up again or log in with another account.");

export async function listOrganizations(deps: Deps, principal: SessionPrincipal): Promise<Organization[]> {
  const rows = await deps.db
    .select({
      id: organizations.id,
      name: organizations.name,
      personal: organizations.personal,
      role: memberships.role,
      createdAt: organizations.createdAt,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, principal.user.id))
    .orderBy(asc(organizations.createdAt), asc(organizations.id));
  return rows.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() }));
}

export async function getMe(deps: Deps, principal: SessionPrincipal) {
  const [user] = await deps.db.select().from(users).where(eq(users.id, principal.user.id)).limit(1);
  if (!user) throw accountGone();
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
    organizations: await listOrganizations(deps, principal),
  };
}

/**
 * The creator becomes the owner. It starts with 0 credits: free credits go once per account, to
 * the personal organization. Rate-limited per account and per client address.
 */
export async function createOrganization(
  deps: Deps,
  principal: SessionPrincipal,
  input: Body<"createOrganization">,
  clientAddress: string | null,
  context: AuditContext,
): Promise<Organization> {
  await limitNewOrganizations(deps, principal.user.id, clientAddress);
  const now = deps.clock.now();
  const org = { id: newId(now), name: input.name, personal: false, createdAt: now };
  try {
    await deps.db.transaction(async (tx) => {
      await tx.insert(organizations).values(org);
      await tx.insert(memberships).values({ organizationId: org.id, userId: principal.user.id, role: "owner", createdAt: now });
      await recordAuditEvent(
        tx,
        {
          action: "organization.created",
          actor: actorOf(principal),
          target: { type: "organization", id: org.id },
          organizationId: org.id,
          details: { name: org.name, personal: false },
        },
        context,
        now,
      );
    });
  } catch (error) {
    if (databaseErrorCode(error) === "23503") throw accountGone(); // foreign_key_violation: no such user
    throw error;
  }
  return { ...org, role: "owner", createdAt: now.toISOString() };
}
