import { jwt } from "@elysiajs/jwt";

export type AccessTokens = {
  /** A signed HS256 JWT for the user, valid `ttlSeconds`. */
  issue(userId: string): Promise<string>;
  /** The user id, or null for a forged, expired or non-access token. */
  verify(token: string): Promise<string | null>;
  ttlSeconds: number;
};

/** Dashboard access tokens, signed with @elysiajs/jwt (jose underneath). */
export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  const signer = jwt({ name: "jwt", secret, alg: "HS256" }).decorator.jwt;
  return {
    ttlSeconds,
    issue: (userId) =>
      signer.sign({ sub: userId, typ: "access", exp: Math.floor(Date.now() / 1000) + ttlSeconds }),
    async verify(token) {
      const payload = await signer.verify(token, { algorithms: ["HS256"] });
      if (!payload || payload.typ !== "access" || typeof payload.sub !== "string") return null;
      return payload.sub;
    },
  };
}
