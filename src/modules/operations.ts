import type { Principals } from "../auth/principal";
import { Operations } from "../http/operations";

/**
 * A module's handlers, bound by operationId: `operations().handle("getProject", handler)`. The
 * handler's principal is the one the operation's `security` calls for (see src/auth/principal.ts).
 */
export const operations = () => new Operations<Principals>();
