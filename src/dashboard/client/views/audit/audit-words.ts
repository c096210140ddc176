import type { Schemas } from "../../api";

export type AuditEvent = Schemas["AuditEvent"];
export type AuditAction = Schemas["AuditAction"];

export const actionWords: Record<AuditAction, string> = {
  "api_key.created": "Key created",
  "api_key.updated": "Key changed",
  "api_key.revoked": "Key revoked",
  "api_key.rolled": "Key rolled",
  "api_key.expired": "Key expired",
  "api_key.leak_reported": "Key reported as leaked",
  "member.added": "Member added",
  "member.removed": "Member removed",
  "member.role_changed": "Member's role changed",
  "project.created": "Project created",
  "organization.created": "Organization created",
  "credits.granted": "Credits granted",
  "service_account.created": "Service account created",
  "service_account.deleted": "Service account deleted",
  "session.login_failed_locked": "Sign-in locked after failed attempts",
  "webhook.disabled": "Webhook endpoint disabled after failing",
};
export const AUDIT_ACTIONS = Object.keys(actionWords) as AuditAction[];

const targetWords: Record<AuditEvent["target"]["type"], string> = {
  api_key: "Key",
  user: "Person",
  project: "Project",
  organization: "Organization",
  service_account: "Service account",
  webhook: "Webhook endpoint",
};

/** Names the page knows, by id: people, keys, service accounts, projects. */
export type Names = Map<string, string>;

const short = (id: string) => `…${id.slice(-6)}`;

/** "Ada Lovelace", "Key ci-pipeline", "The server". */
export function actorWords(event: AuditEvent, names: Names): string {
  const { type, id } = event.actor;
  if (type === "system" || !id) return "The server";
  const name = names.get(id);
  if (type === "user") return name ?? `A former member (${short(id)})`;
  return `${type === "api_key" ? "Key" : "Service account"} ${name ?? short(id)}`;
}

/** "Key ci-pipeline (azs_••••a1b2)", "Person Grace Hopper". */
export function targetText(event: AuditEvent, names: Names): string {
  const hint = typeof event.details.keyHint === "string" ? ` (azs_••••${event.details.keyHint})` : "";
  return `${targetWords[event.target.type]} ${names.get(event.target.id) ?? short(event.target.id)}${hint}`;
}
