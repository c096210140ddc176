import { DAY_MS } from "../clock";
import { ApiError } from "../http/errors";
import type { ActiveKey } from "./api-key-lookup";
import { isAllowed } from "./ip-allowlist";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export const invalidKey = () => new ApiError("invalid_api_key", "The API key is invalid or has been revoked.");

/**
 * The checks a found key must pass on every request, from the cached record and the clock alone:
 * a rolled key past its grace is revoked, an expired one says so, and a key with an allowlist
 * refuses any other address. Run before anything of the project is read.
 */
export function checkKeyUse(key: ActiveKey, nowMs: number, address: () => string | null): void {
  if (key.endsAt !== null && key.endsAt <= nowMs) throw invalidKey();
  if (key.expiresAt !== null && key.expiresAt <= nowMs) {
    throw new ApiError(
      "api_key_expired",
      `This API key expired at ${new Date(key.expiresAt).toISOString()}. Create or roll a key in the dashboard.`,
    );
  }
  if (key.allowedIps && !isAllowed(key.allowedIps, address())) {
    throw new ApiError(
      "ip_not_allowed",
      "This API key cannot be used from your address. Its owner can add the address to the key's allowed IPs.",
    );
  }
}

/** 403 `insufficient_scope`, naming the first scope the operation needs that the key lacks. */
export function checkScopes(key: { scopes: readonly string[] }, needed: readonly string[]): void {
  const missing = needed.find((scope) => !key.scopes.includes(scope));
  if (missing) {
    throw new ApiError(
      "insufficient_scope",
      `This API key lacks the scope '${missing}' this route needs. Add it to the key in the dashboard, or use a key that has it.`,
    );
  }
}

function inWords(ms: number): string {
  const unit = ms >= DAY_MS ? ([DAY_MS, "day"] as const) : ms >= HOUR_MS ? ([HOUR_MS, "hour"] as const) : ([MINUTE_MS, "minute"] as const);
  const count = Math.floor(ms / unit[0]);
  return count < 1 ? "less than a minute" : `${count} ${unit[1]}${count === 1 ? "" : "s"}`;
}

/**
 * `Api-Key-Expires-At` for a key with an expiry and, within `warningDays` of it, a sentence for
 * the caller's logs, so a script's owner sees it coming before the outage.
 */
export function expiryHeaders(expiresAt: number | null, nowMs: number, warningDays: number): Record<string, string> {
  if (expiresAt === null) return {};
  const at = new Date(expiresAt).toISOString();
  const headers: Record<string, string> = { "api-key-expires-at": at };
  if (expiresAt - nowMs <= warningDays * DAY_MS) {
    headers["api-key-expiry-warning"] = `This API key expires in ${inWords(expiresAt - nowMs)} (${at}); roll it in the dashboard.`;
  }
  return headers;
}
