import type { Deps } from "../../deps";
import { ok } from "../../http/operations";
import { operations } from "../operations";
import { listAuditEvents } from "./service";

/** Read-only by design: the audit log has no route that updates or deletes an event. */
export const auditRoutes = (deps: Deps) =>
  operations().handle("listAuditEvents", async ({ principal, params, query }) =>
    ok(await listAuditEvents(deps, principal, params.orgId, query)),
  );
