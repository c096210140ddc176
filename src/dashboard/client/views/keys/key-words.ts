import type { Schemas } from "../../api";
import { count } from "../../format";

type ApiKey = Schemas["ApiKey"];
export type Scope = Schemas["ApiKeyScope"];

export const scopeWords: Record<Scope, string> = {
  "projects:read": "Read the project",
  "jobs:read": "List and read jobs",
  "jobs:write": "Submit and cancel jobs",
};

/** Every scope, in the order above: the record's type makes the list complete, as the spec's enum changes. */
export const ALL_SCOPES = Object.keys(scopeWords) as readonly Scope[];
export const READ_ONLY: readonly Scope[] = ["projects:read", "jobs:read"];

export const sameScopes = (a: readonly Scope[], b: readonly Scope[]) => a.length === b.length && a.every((s) => b.includes(s));

/** "Full access", "Read only", or the scopes one by one. */
export function accessWords(scopes: readonly Scope[]): string {
  if (sameScopes(scopes, ALL_SCOPES)) return "Full access";
  if (sameScopes(scopes, READ_ONLY)) return "Read only";
  return scopes.map((s) => scopeWords[s]).join(", ");
}

const periodWords = { day: "a day", month: "a month", total: "in total" } as const;
export const creditLimitWords = (limit: ApiKey["creditLimit"]) =>
  limit ? `${count(limit.amount)} ${limit.amount === 1 ? "credit" : "credits"} ${periodWords[limit.period]}` : "No credit cap";
export const rateLimitWords = (limit: ApiKey["rateLimit"]) =>
  limit ? `${limit.perSecond} jobs/s, bursts of ${count(limit.burst)}` : "Project's rate limit";
export const addressWords = (ips: readonly string[] | null) => (ips ? ips.join(", ") : "Any address");

export const reasonWords: Record<NonNullable<ApiKey["revokedReason"]>, string> = {
  revoked: "revoked by hand",
  member_removed: "its creator left the organization",
  rolled: "replaced by a roll",
  leaked: "reported as leaked",
  service_account_deleted: "its service account was deleted",
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** "3 days", "5 hours", "20 minutes": how far ahead a moment is. */
export function timeLeft(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  // Rounded: a key made "for 30 days" a second ago expires in 30 days, not 29.
  if (ms >= 1.5 * DAY) return `${Math.round(ms / DAY)} days`;
  if (ms >= DAY) return "1 day";
  if (ms >= 1.5 * HOUR) return `${Math.round(ms / HOUR)} hours`;
  if (ms >= 45 * MINUTE) return "1 hour";
  const minutes = Math.max(1, Math.round(ms / MINUTE));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

export type KeyState = { tone: "ok" | "soon" | "ended"; words: string };

/**
 * A key's status in words: "Active", "Expires in 5 days", "Ends in 3 hours (rolled)", "Expired",
 * "Revoked: replaced by a roll". A key within `warnDays` of its end is "soon".
 */
export function keyState(key: ApiKey, warnDays = 7, now = Date.now()): KeyState {
  if (key.status === "revoked") return { tone: "ended", words: `Revoked: ${reasonWords[key.revokedReason ?? "revoked"]}` };
  if (key.status === "expired") return { tone: "ended", words: "Expired" };
  const ends = [key.revokedAt, key.expiresAt].filter((t): t is string => !!t).sort()[0];
  if (!ends) return { tone: "ok", words: "Active" };
  const soon = new Date(ends).getTime() - now < warnDays * DAY;
  const words = key.revokedAt === ends ? `Ends in ${timeLeft(ends, now)} (rolled)` : `Expires in ${timeLeft(ends, now)}`;
  return { tone: soon ? "soon" : "ok", words };
}
