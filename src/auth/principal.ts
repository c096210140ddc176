import type { Server } from "bun";
import { Elysia } from "elysia";
import type { Deps } from "../deps";
import { clientAddress } from "../http/client-address";
import { ApiError } from "../http/errors";
import { setPrincipalId } from "../http/request-context";
import { validateRequest } from "../http/request-validation";
import { KEY_PREFIX, hashApiKey, isWellFormedApiKey } from "./api-key-format";
import { findActiveKey, type ActiveKey } from "./api-key-lookup";

export type SessionPrincipal = { via: "jwt"; user: { id: string } };
export type KeyPrincipal = {
  via: "apiKey";
  user: { id: string };
  keyId: string;
  projectId: string;
  organizationId: string;
};
/** Who is calling: a dashboard user, or a user acting through a key locked to one project. */
export type Principal = SessionPrincipal | KeyPrincipal;

const invalidKey = () => new ApiError("invalid_api_key", "The API key is invalid or has been revoked.");

/**
 * A key not in the cache is looked up in the database, and a failed lookup counts against the
 * caller's address (src/auth/key-guess-throttle.ts); a throttled address gets 429 instead.
 */
async function lookUpKey(deps: Deps, hash: string, address: () => string | null): Promise<ActiveKey | null> {
  // No address (not over TCP) counts as one shared address: the limit must not vanish with it.
  const from = address() ?? "unknown";
  const reserved = deps.keyGuesses.admit(hash, from, deps.clock.now().getTime());
  const key = await findActiveKey(deps.db, hash);
  deps.keyGuesses.settle(hash, from, reserved, key !== null, deps.clock.now().getTime());
  return key;
}

/**
 * Turns an `Authorization` header into a principal, or throws a 401 (or a 429 for an address
 * that failed too many key checks). `address` is asked only when a key needs the database.
 */
export async function authenticate(deps: Deps, header: string | undefined, address: () => string | null = () => null): Promise<Principal> {
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
    deps.keyUsage.record(key.keyId, deps.clock.now());
    return { via: "apiKey", user: { id: key.userId }, keyId: key.keyId, projectId: key.projectId, organizationId: key.organizationId };
  }
  const userId = await deps.tokens.verify(token);
  if (!userId) {
    throw new ApiError("invalid_token", "The session token is invalid or has expired. Log in again or refresh it.");
  }
  return { via: "jwt", user: { id: userId } };
}

type HookContext = {
  request: Request;
  server: Server<unknown> | null;
  route: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  query: Record<string, unknown>;
  params: Record<string, unknown>;
};

const validate = (ctx: HookContext) => validateRequest(ctx.request.method, ctx.route, ctx);

async function principalOf(deps: Deps, ctx: HookContext): Promise<Principal> {
  const address = () => clientAddress(ctx.request, ctx.server, deps.config.trustProxy);
  const principal = await authenticate(deps, ctx.headers.authorization, address);
  setPrincipalId(ctx.request, principal.via === "apiKey" ? `key:${principal.keyId}` : `user:${principal.user.id}`);
  return principal;
}

/**
 * Each route names who may call it; the hook authenticates first, then checks the request against
 * openapi.yaml, and hands the handler a typed `principal` and the validated `input`.
 * - `open`: anyone (input validation only);
 * - `session`: a dashboard JWT; an API key gets 403, since keys cannot manage the account;
 * - `keyOrSession`: an API key or a JWT (project routes check the key's project in the service).
 */
export const principalPlugin = (deps: Deps) =>
  new Elysia({ name: "principal" }).macro({
    open: { resolve: (ctx) => ({ input: validate(ctx as HookContext) }) },
    session: {
      async resolve(ctx) {
        const principal = await principalOf(deps, ctx as HookContext);
        if (principal.via !== "jwt") {
          throw new ApiError(
            "dashboard_session_required",
            "API keys cannot manage the account. Sign in to the dashboard and use its session token.",
          );
        }
        return { principal, input: validate(ctx as HookContext) };
      },
    },
    keyOrSession: {
      async resolve(ctx) {
        const principal = await principalOf(deps, ctx as HookContext);
        return { principal, input: validate(ctx as HookContext) };
      },
    },
  });
