import type { AuditActor } from "../../audit/record";
import type { Principal } from "../../auth/principal";

/**
 * The audit log's actor for a request's principal: a service account when its key made the call,
 * the key when a person's key did, else the user.
 */
export const actorOf = (principal: Principal): AuditActor => {
  if (principal.via === "jwt") return { type: "user", id: principal.user.id };
  return principal.serviceAccountId
    ? { type: "service_account", id: principal.serviceAccountId }
    : { type: "api_key", id: principal.keyId };
};
