import { asc, eq } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import type { Deps } from "../../deps";
import { memberships, organizations, users } from "../../db/schema";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { grantFreeCredits } from "../credits/ledger";

type Organization = Reply<"listOrganizations", 200>["data"][number];

export async function listOrganizations(deps: Deps, principal: SessionPrincipal): Promise<Organization[]> {
  const rows = await deps.db
    .select({ id: organizations.id, name: organizations.name, personal: organizations.personal, role: memberships.role, createdAt: organizations.createdAt })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, principal.user.id))
    .orderBy(asc(organizations.createdAt), asc(organizations.id));
  return rows.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() }));
}

export async function getMe(deps: Deps, principal: SessionPrincipal) {
  const [user] = await deps.db.select().from(users).where(eq(users.id, principal.user.id)).limit(1);
  if (!user) throw new Error("A verified session names a user that does not exist");
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
    organizations: await listOrganizations(deps, principal),
  };
}

/** The creator becomes the owner. */
export async function createOrganization(
  deps: Deps,
  principal: SessionPrincipal,
  input: Body<"createOrganization">,
): Promise<Organization> {
  const now = deps.clock.now();
  const org = { id: newId(now), name: input.name, personal: false, createdAt: now };
  await deps.db.transaction(async (tx) => {
    await tx.insert(organizations).values(org);
    await tx.insert(memberships).values({ organizationId: org.id, userId: principal.user.id, role: "owner", createdAt: now });
    await grantFreeCredits(tx, org.id, deps.config.freeCredits, now);
  });
  return { ...org, role: "owner", createdAt: now.toISOString() };
}
