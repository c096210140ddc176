import type { AuditActor } from "../../audit/record";
import type { Principal } from "../../auth/principal";

/** The audit log's actor for a request's principal: the key when a key made the call, else the user. */
export const actorOf = (principal: Principal): AuditActor =>
  principal.via === "apiKey" ? { type: "api_key", id: principal.keyId } : { type: "user", id: principal.user.id };
