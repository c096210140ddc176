import { jwt } from "@elysiajs/jwt";
import { type Clock, systemClock } from "../clock";
import { LruCache } from "./lru";

export type AccessTokens = {
  /** A signed HS256 JWT for the user, valid `ttlSeconds`. */
  issue(userId: string): Promise<string>;
  /** The user id, or null for a forged, expired, never-expiring or non-access token. */
  verify(token: string): Promise<string | null>;
  ttlSeconds: number;
};

/**
 * Dashboard access tokens, signed with @elysiajs/jwt (jose underneath). A verified token is
 * remembered until its `exp` (at most `cacheSize` of them): the same string verifies the same way
 * until then, and access tokens are never revoked early (logout ends the refresh token).
 * Failures are not cached, so garbage cannot crowd out real sessions. Expiry is judged by `clock`,
 * so tests can move time instead of waiting.
 */
export function createAccessTokens(secret: string, ttlSeconds: number, cacheSize = 0, clock: Clock = systemClock): AccessTokens {
  const signer = jwt({ name: "jwt", secret, alg: "HS256" }).decorator.jwt;
  const verified = new LruCache<string>(cacheSize);
  return {
    ttlSeconds,
    issue: (userId) => signer.sign({ sub: userId, typ: "access", exp: Math.floor(clock.now().getTime() / 1000) + ttlSeconds }),
    async verify(token) {
      const now = clock.now();
      const cached = verified.get(token, now.getTime());
      if (cached) return cached;
      const payload = await signer.verify(token, { algorithms: ["HS256"], currentDate: now });
      // jose checks `exp` only when present: a token without one would never expire, so it is refused.
      if (!payload || payload.typ !== "access" || typeof payload.sub !== "string" || typeof payload.exp !== "number") return null;
      verified.set(token, payload.sub, payload.exp * 1000);
      return payload.sub;
    },
  };
}
