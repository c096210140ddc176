import { Elysia } from "elysia";
import { authentication } from "./auth/principal";
import { dashboardRoutes } from "./dashboard/routes";
import type { Deps } from "./deps";
import { docsRoutes } from "./http/docs";
import { serveOperations } from "./http/operations";
import { pipeline } from "./http/pipeline";
import { accountRoutes } from "./modules/account/routes";
import { apiKeyRoutes } from "./modules/api-keys/routes";
import { auditRoutes } from "./modules/audit/routes";
import { authRoutes } from "./modules/auth/routes";
import { creditRoutes } from "./modules/credits/routes";
import { jobRoutes } from "./modules/jobs/routes";
import { leakedKeyRoutes } from "./modules/leaked-keys/routes";
import { memberRoutes } from "./modules/members/routes";
import { projectRoutes } from "./modules/projects/routes";
import { serviceRoutes } from "./modules/service/routes";
import { serviceAccountRoutes } from "./modules/service-accounts/routes";
import { usageRoutes } from "./modules/usage/routes";
import { webhookRoutes } from "./modules/webhooks/routes";

/** Every group of handlers; together they must bind each operation in openapi.yaml exactly once. */
export const routeGroups = (deps: Deps) => [
  serviceRoutes(deps),
  docsRoutes(),
  authRoutes(deps),
  accountRoutes(deps),
  memberRoutes(deps),
  projectRoutes(deps),
  apiKeyRoutes(deps),
  serviceAccountRoutes(deps),
  jobRoutes(deps),
  creditRoutes(deps),
  webhookRoutes(deps),
  auditRoutes(deps),
  usageRoutes(deps),
  leakedKeyRoutes(deps),
  dashboardRoutes(deps),
];

/** The whole API as one Elysia app; tests call `app.handle(request)` on it directly. Throws if a spec operation has no handler. */
export function createApp(deps: Deps) {
  const countKeyAnswer = (keyId: string, status: number) => deps.keyUsage.countResponse(keyId, status, deps.clock.now());
  return new Elysia()
    .use(pipeline(deps.logger, deps.config.logRequests, countKeyAnswer))
    .use(serveOperations(authentication(deps), routeGroups(deps)));
}

export type App = ReturnType<typeof createApp>;
