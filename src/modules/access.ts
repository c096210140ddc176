import { and, eq, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { preparedPerDatabase } from "../db/prepared";
import { memberships, organizations, projects } from "../db/schema";
import { ApiError, notFound } from "../http/errors";

export type Role = "owner" | "admin" | "member";

/**
 * The caller's role in an organization. A missing organization and one the user is not in look
 * the same (404): nobody learns what exists in other tenants.
 */
export async function requireMembership(db: Db, userId: string, organizationId: string): Promise<Role> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .limit(1);
  if (!row) throw notFound("organization");
  return row.role;
}

export function requireAdmin(role: Role): void {
  if (role === "member") {
    throw new ApiError("forbidden", "Only an owner or admin of the organization can do this.");
  }
}

/** The project with its organization and the user's role there: on every project route, so prepared. */
const findProjectForUser = preparedPerDatabase((db: Db) =>
  db
    .select({
      id: projects.id,
      organizationId: projects.organizationId,
      name: projects.name,
      createdAt: projects.createdAt,
      organizationName: organizations.name,
      role: memberships.role,
    })
    .from(projects)
    .innerJoin(organizations, eq(organizations.id, projects.organizationId))
    .innerJoin(memberships, and(eq(memberships.organizationId, projects.organizationId), eq(memberships.userId, sql.placeholder("userId"))))
    .where(eq(projects.id, sql.placeholder("projectId")))
    .limit(1)
    .prepare("find_project_for_user"),
);

/** A service account belongs to the project, not to a member: its key reaches the project without a membership. */
const findProject = preparedPerDatabase((db: Db) =>
  db
    .select({
      id: projects.id,
      organizationId: projects.organizationId,
      name: projects.name,
      createdAt: projects.createdAt,
      organizationName: organizations.name,
      role: sql<Role>`'member'`,
    })
    .from(projects)
    .innerJoin(organizations, eq(organizations.id, projects.organizationId))
    .where(eq(projects.id, sql.placeholder("projectId")))
    .limit(1)
    .prepare("find_project"),
);

/** A key is locked to its project: any other id gets 403, whether or not that project exists. */
export function requireKeyProject(principal: Principal, projectId: string): void {
  if (principal.via === "apiKey" && principal.projectId !== projectId) {
    throw new ApiError("key_project_mismatch", "This API key is locked to its own project and cannot access another one.");
  }
}

/**
 * Loads a project the principal may use, with the caller's role in its organization. A key is
 * locked to its project: any other id gets 403, whether or not that project exists. A service
 * account's key acts with a member's rights.
 */
export async function requireProject(db: Db, principal: Principal, projectId: string) {
  requireKeyProject(principal, projectId);
  const [row] =
    principal.via === "apiKey" && principal.serviceAccountId
      ? await findProject(db).execute({ projectId })
      : await findProjectForUser(db).execute({ projectId, userId: principal.user.id });
  if (!row) throw notFound("project");
  return row;
}
