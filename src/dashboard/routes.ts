import type { Deps } from "../deps";
import { ApiError } from "../http/errors";
import { ok } from "../http/operations";
import { auditContext } from "../modules/audit/context";
import * as auth from "../modules/auth/service";
import { operations } from "../modules/operations";
import { dashboardAssets } from "./assets";
import { type CookieJar, clearSessionCookie, readSessionCookie, setSessionCookie } from "./cookie";
import { pageHeaders, renderPage } from "./page";

type TokenPair = Awaited<ReturnType<typeof auth.login>>;

/**
 * The session routes act on a cookie, so they refuse cross-site callers: SameSite=Strict keeps the
 * cookie off such requests already, and this also stops a forged sign-in (login CSRF). Browsers
 * say where a request comes from in Sec-Fetch-Site; older ones only send Origin, compared by host
 * alone since a TLS proxy in front turns https into http before the request reaches us.
 */
function requireSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  const foreign = site ? site !== "same-origin" && site !== "none" : origin !== null && hostOf(origin) !== new URL(request.url).host;
  if (foreign) {
    throw new ApiError("forbidden", "The dashboard's session routes only accept requests from the dashboard page itself.");
  }
}

const hostOf = (origin: string) => URL.parse(origin)?.host;

function noRefreshToken(): ApiError {
  return new ApiError("invalid_refresh_token", "There is no dashboard session in this browser, or it has ended. Sign in again.");
}

/** The dashboard page, its assets, and the cookie-based session its script uses. */
export const dashboardRoutes = (deps: Deps) => {
  const ttl = deps.config.refreshTokenTtlSeconds;
  const startSession = (cookie: CookieJar, request: Request, pair: TokenPair) => {
    setSessionCookie(cookie, request, pair.refreshToken, ttl);
    return ok(
      { data: { accessToken: pair.accessToken, tokenType: "Bearer" as const, expiresIn: pair.expiresIn } },
      { "cache-control": "no-store" },
    );
  };
  // Build while the server starts. A broken build is a bug in this repo, not user input: say why
  // in the log (GET / then answers 500).
  dashboardAssets().catch((error: Error) => deps.logger.error({ event: "dashboard_build_failed", message: error.message }));
  return operations()
    .handle("getDashboard", async () => new Response(renderPage(await dashboardAssets()), { headers: pageHeaders }))
    .handle("getDashboardAsset", async ({ params, query }) => {
      const asset = (await dashboardAssets())[params.file];
      const cache = query.v === asset.version ? "public, max-age=31536000, immutable" : "no-cache";
      return new Response(asset.body, {
        headers: { "content-type": asset.type, "cache-control": cache, "x-content-type-options": "nosniff" },
      });
    })
    .handle("startDashboardSession", async ({ body, request, server, cookie }) => {
      requireSameOrigin(request);
      return startSession(cookie, request, await auth.login(deps, body, auditContext(request, server, deps.config.trustProxy)));
    })
    .handle("refreshDashboardSession", async ({ request, cookie }) => {
      requireSameOrigin(request);
      const refreshToken = readSessionCookie(cookie);
      if (!refreshToken) throw noRefreshToken();
      try {
        return startSession(cookie, request, await auth.refresh(deps, { refreshToken }));
      } catch (error) {
        // A spent or revoked token is useless: tell the browser to drop it as well.
        if (error instanceof ApiError && error.code === "invalid_refresh_token") {
          clearSessionCookie(cookie, request);
          throw noRefreshToken();
        }
        throw error;
      }
    })
    .handle("endDashboardSession", async ({ request, cookie }) => {
      requireSameOrigin(request);
      const refreshToken = readSessionCookie(cookie);
      if (refreshToken) await auth.logout(deps, { refreshToken });
      clearSessionCookie(cookie, request);
      return ok({ success: true as const });
    });
};
