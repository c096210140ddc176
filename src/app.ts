import { Elysia } from "elysia";
import { dashboardRoutes } from "./dashboard/routes";
import type { Deps } from "./deps";
import { docs } from "./http/docs";
import { pipeline } from "./http/pipeline";
import { accountRoutes } from "./modules/account/routes";
import { apiKeyRoutes } from "./modules/api-keys/routes";
import { authRoutes } from "./modules/auth/routes";
import { creditRoutes } from "./modules/credits/routes";
import { jobRoutes } from "./modules/jobs/routes";
import { memberRoutes } from "./modules/members/routes";
import { projectRoutes } from "./modules/projects/routes";
import { serviceRoutes } from "./modules/service/routes";

/** The whole API as one Elysia app; tests call `app.handle(request)` on it directly. */
export function createApp(deps: Deps) {
  return new Elysia()
    .use(pipeline(deps.logger, deps.config.logRequests))
    .use(serviceRoutes(deps))
    .use(docs())
    .use(authRoutes(deps))
    .use(accountRoutes(deps))
    .use(memberRoutes(deps))
    .use(projectRoutes(deps))
    .use(apiKeyRoutes(deps))
    .use(jobRoutes(deps))
    .use(creditRoutes(deps))
    .use(dashboardRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
