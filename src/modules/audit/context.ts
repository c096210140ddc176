import type { Server } from "bun";
import type { AuditContext } from "../../audit/record";
import { clientAddress } from "../../http/client-address";
import { requestState } from "../../http/request-context";

/** The request's address (as TRUST_PROXY decides), User-Agent and request id, for the audit events a change writes. */
export function auditContext(request: Request, server: Server<unknown> | null, trustProxy: boolean): AuditContext {
  return {
    ip: clientAddress(request, server, trustProxy),
    userAgent: request.headers.get("user-agent"),
    requestId: requestState(request).id,
  };
}
