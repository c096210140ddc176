import type { Deps } from "../deps";
import { consume, type Limit } from "./rate-limit";

/** A bucket of `perHour` tokens, refilled evenly over the hour. */
const hourly = (bucket: string, perHour: number, what: string): Limit => ({
  bucket,
  perSecond: perHour / 3600,
  burst: perHour,
  refusal: (retryAfter) => `Too many ${what}: the limit is ${perHour} per hour. Retry in ${Math.ceil(retryAfter / 60)} minute(s).`,
});

/**
 * Takes a token from every limit, or from none (429), in a transaction of its own before any work:
 * an attempt counts even when the creation then fails, so a limit also caps probing.
 */
async function take(deps: Deps, limits: Limit[]): Promise<void> {
  if (limits.length > 0) await deps.db.transaction((tx) => consume(tx, limits, deps.clock.now()));
}

/**
 * Sign-ups per client address (there is no account yet). Loose enough for an office behind one
 * address; without an address (in-process calls) there is nothing to key on.
 */
export async function limitSignUps(deps: Deps, clientAddress: string | null): Promise<void> {
  const c = deps.config;
  await take(
    deps,
    clientAddress ? [hourly(`signups-address:${clientAddress}`, c.rateLimitSignupsPerHour, "sign-ups from this address")] : [],
  );
}

/** New organizations per account, and per client address across accounts. */
export async function limitNewOrganizations(deps: Deps, userId: string, clientAddress: string | null): Promise<void> {
  const c = deps.config;
  await take(deps, [
    hourly(`orgs-user:${userId}`, c.rateLimitOrgsPerHour, "organizations created by this account"),
    ...(clientAddress
      ? [hourly(`orgs-address:${clientAddress}`, c.rateLimitOrgsPerAddressPerHour, "organizations created from this address")]
      : []),
  ]);
}
