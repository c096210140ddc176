import { and, asc, eq, gt, lte, or } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import { DAY_MS } from "../../clock";
import { apiKeys, memberships, projects } from "../../db/schema";
import type { Deps } from "../../deps";
import type { Query, Reply } from "../../http/types";
import { notRevoked } from "./key-settings";

/** The banner shows a handful; the bound keeps the answer small whatever the user can reach. */
const MAX_EXPIRING = 100;

/**
 * Keys that expire within `withinDays`, soonest first, across every project the user reaches:
 * their own keys, and all keys of organizations where they are an owner or admin.
 */
export async function listExpiringKeys(
  deps: Deps,
  principal: SessionPrincipal,
  query: Query<"listExpiringApiKeys">,
): Promise<Reply<"listExpiringApiKeys", 200>["data"]> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + (query.withinDays ?? deps.config.apiKeyExpiryWarningDays) * DAY_MS);
  const rows = await deps.db
    .select({ key: apiKeys, projectName: projects.name })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .innerJoin(memberships, and(eq(memberships.organizationId, projects.organizationId), eq(memberships.userId, principal.user.id)))
    .where(
      and(
        gt(apiKeys.expiresAt, now),
        lte(apiKeys.expiresAt, until),
        notRevoked(now),
        or(eq(apiKeys.createdBy, principal.user.id), eq(memberships.role, "owner"), eq(memberships.role, "admin")),
      ),
    )
    .orderBy(asc(apiKeys.expiresAt), asc(apiKeys.id))
    .limit(MAX_EXPIRING);
  return rows.map(({ key, projectName }) => ({
    id: key.id,
    name: key.name,
    keyHint: key.keyHint,
    projectId: key.projectId,
    projectName,
    expiresAt: key.expiresAt!.toISOString(),
    createdBy: key.createdBy,
    serviceAccountId: key.serviceAccountId,
  }));
}
