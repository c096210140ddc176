import { asc, eq } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { Principal, SessionPrincipal } from "../../auth/principal";
import { memberships, projects } from "../../db/schema";
import type { Deps } from "../../deps";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { requireMembership, requireProject } from "../access";
import { actorOf } from "../audit/actor";

type Project = Reply<"listProjects", 200>["data"][number];

const toProject = (p: typeof projects.$inferSelect): Project => ({
  id: p.id,
  organizationId: p.organizationId,
  name: p.name,
  createdAt: p.createdAt.toISOString(),
});

export async function listOrganizationProjects(deps: Deps, principal: SessionPrincipal, orgId: string): Promise<Project[]> {
  await requireMembership(deps.db, principal.user.id, orgId);
  const rows = await deps.db
    .select()
    .from(projects)
    .where(eq(projects.organizationId, orgId))
    .orderBy(asc(projects.createdAt), asc(projects.id));
  return rows.map(toProject);
}

/** Any member may create a project in their organization. */
export async function createProject(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  input: Body<"createProject">,
  context: AuditContext,
): Promise<Project> {
  await requireMembership(deps.db, principal.user.id, orgId);
  const now = deps.clock.now();
  const project = { id: newId(now), organizationId: orgId, name: input.name, createdAt: now };
  await deps.db.transaction(async (tx) => {
    await tx.insert(projects).values(project);
    await recordAuditEvent(
      tx,
      {
        action: "project.created",
        actor: actorOf(principal),
        target: { type: "project", id: project.id },
        organizationId: orgId,
        projectId: project.id,
        details: { name: project.name },
      },
      context,
      now,
    );
  });
  return toProject(project);
}

export async function listReachableProjects(deps: Deps, principal: SessionPrincipal): Promise<Project[]> {
  const rows = await deps.db
    .select({ project: projects })
    .from(projects)
    .innerJoin(memberships, eq(memberships.organizationId, projects.organizationId))
    .where(eq(memberships.userId, principal.user.id))
    .orderBy(asc(projects.createdAt), asc(projects.id));
  return rows.map((r) => toProject(r.project));
}

export async function getProject(deps: Deps, principal: Principal, projectId: string) {
  const p = await requireProject(deps.db, principal, projectId);
  return {
    ...toProject(p),
    organization: { id: p.organizationId, name: p.organizationName },
  } satisfies Reply<"getProject", 200>["data"];
}
