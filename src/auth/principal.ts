import type { Server } from "bun";
import { Elysia } from "elysia";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { clientAddress } from "../http/client-address";
import { ApiError } from "../http/errors";
import type { AuthRule } from "../http/operations";
import { responseHeaders, setPrincipalId, setResponseHeaders } from "../http/request-context";
import type { AccessTokens } from "./access-tokens";
import { hashApiKey, isWellFormedApiKey, KEY_PREFIX } from "./api-key-format";
import { type ActiveKey, findActiveKey } from "./api-key-lookup";
import type { KeyCache } from "./key-cache";
import type { KeyExpiryRecorder } from "./key-expiry";
import type { KeyGuessThrottle } from "./key-guess-throttle";
import { checkKeyUse, checkScopes, expiryHeaders, invalidKey } from "./key-restrictions";
import type { KeyUsage } from "./key-usage";

/** What checking a credential needs, and no more. */
export type AuthDeps = {
  db: Db;
  clock: Clock;
  tokens: AccessTokens;
  keyCache: KeyCache;
  keyUsage: KeyUsage;
  keyGuesses: KeyGuessThrottle;
  keyExpiries: KeyExpiryRecorder;
  config: { trustProxy: boolean; apiKeyExpiryWarningDays: number };
};

export type SessionPrincipal = { via: "jwt"; user: { id: string } };
export type KeyPrincipal = {
  via: "apiKey";
  /** The key's creator; for a service account's key, who made the key (the account acts, not them). */
  user: { id: string };
  keyId: string;
  projectId: string;
  organizationId: string;
} & Pick<ActiveKey, "serviceAccountId" | "scopes" | "expiresAt" | "creditLimit" | "rateLimit">;
/** Who is calling: a dashboard user, or a user acting through a key locked to one project. */
export type Principal = SessionPrincipal | KeyPrincipal;

/**
 * A key not in the cache is looked up in the database, and a failed lookup counts against the
 * caller's address (src/auth/key-guess-throttle.ts); a throttled address gets 429 instead.
 */
async function lookUpKey(deps: AuthDeps, hash: string, address: () => string | null): Promise<ActiveKey | null> {
  // No address (not over TCP) counts as one shared address: the limit must not vanish with it.
  const from = address() ?? "unknown";
  const reserved = deps.keyGuesses.admit(hash, from, deps.clock.now().getTime());
  const key = await findActiveKey(deps.db, hash, deps.clock.now());
  deps.keyGuesses.settle(hash, from, reserved, key !== null, deps.clock.now().getTime());
  return key;
}

/**
 * Turns an `Authorization` header into a principal, or throws a 401 (or a 429 for an address
 * that failed too many key checks). `address` is asked only when a key needs the database.
 */
export async function authenticate(
  deps: AuthDeps,
  header: string | undefined,
  address: () => string | null = () => null,
): Promise<Principal> {
  if (!header) {
    throw new ApiError("missing_credentials", "Send a session token or an API key as 'Authorization: Bearer <token>'.");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("missing_credentials", "The Authorization header must be 'Bearer <token>'.");
  const token = match[1]!;
  if (token.startsWith(KEY_PREFIX)) {
    // Shape and checksum first: a made-up or mistyped key never reaches the database.
    if (!isWellFormedApiKey(token)) throw invalidKey();
    const hash = hashApiKey(token);
    const key = await deps.keyCache.resolve(hash, () => lookUpKey(deps, hash, address));
    if (!key) throw invalidKey();
    const now = deps.clock.now();
    try {
      checkKeyUse(key, now.getTime(), address);
    } catch (error) {
      if (error instanceof ApiError && error.code === "api_key_expired") await deps.keyExpiries.noteRefusal(key, now);
      throw error;
    }
    deps.keyUsage.record(key.keyId, now, address());
    return {
      via: "apiKey",
      user: { id: key.userId },
      keyId: key.keyId,
      projectId: key.projectId,
      organizationId: key.organizationId,
      serviceAccountId: key.serviceAccountId,
      scopes: key.scopes,
      expiresAt: key.expiresAt,
      creditLimit: key.creditLimit,
      rateLimit: key.rateLimit,
    };
  }
  const userId = await deps.tokens.verify(token);
  if (!userId) {
    throw new ApiError("invalid_token", "The session token is invalid or has expired. Log in again or refresh it.");
  }
  return { via: "jwt", user: { id: userId } };
}

/** Who each auth mode lets in, as the handlers bound to those operations see it. */
export type Principals = { open: undefined; session: SessionPrincipal; keyOrSession: Principal };

async function principalFor(
  deps: AuthDeps,
  { mode, scopes }: AuthRule,
  request: Request,
  server: Server<unknown> | null,
  header: string | undefined,
): Promise<Principal> {
  const address = () => clientAddress(request, server, deps.config.trustProxy);
  const principal = await authenticate(deps, header, address);
  setPrincipalId(
    request,
    principal.via === "apiKey" ? `key:${principal.keyId}` : `user:${principal.user.id}`,
    principal.via === "apiKey" ? principal.keyId : undefined,
  );
  if (principal.via === "apiKey") {
    // On every answer from here on, errors included: the caller's logs show the expiry coming.
    setResponseHeaders(request, expiryHeaders(principal.expiresAt, deps.clock.now().getTime(), deps.config.apiKeyExpiryWarningDays));
    checkScopes(principal, scopes);
  }
  if (mode === "session" && principal.via !== "jwt") {
    throw new ApiError(
      "dashboard_session_required",
      "API keys cannot manage the account. Sign in to the dashboard and use its session token.",
    );
  }
  return principal;
}

/**
 * Authentication, and nothing else: a route bound with `{ authenticate: { mode, scopes } }` (both
 * from the operation's `security` in openapi.yaml) gets a typed `principal` or a 401/403.
 * - `session`: a dashboard JWT; an API key gets 403, since keys cannot manage the account;
 * - `keyOrSession`: an API key or a JWT (project routes check the key's project in the service);
 *   a key must hold the operation's scopes (403 `insufficient_scope`), checked here, before any
 *   project data is read, as are its expiry and allowed addresses.
 */
export const authentication = (deps: AuthDeps) =>
  new Elysia().macro({
    authenticate: (rule: AuthRule) => ({
      resolve: async ({ request, server, headers, set }) => {
        const principal = await principalFor(deps, rule, request, server, headers.authorization);
        Object.assign(set.headers, responseHeaders(request));
        return { principal };
      },
    }),
  });
