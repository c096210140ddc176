import type { Cookie } from "elysia";

/** The request's cookies as Elysia hands them to a handler; setting one adds its `Set-Cookie`. */
export type CookieJar = Record<string, Cookie<string | undefined>>;

/** The refresh-token cookie: sent only to the dashboard's session routes, never readable by scripts. */
const SESSION_COOKIE = "azs_dashboard_session";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * `Secure` everywhere except plain http on this machine, where a browser would otherwise drop the
 * cookie and a local install could not keep a session. Behind a TLS proxy the request arrives over
 * http with the public host name, so it stays Secure.
 */
function isPlainLocalhost(request: Request): boolean {
  const url = new URL(request.url);
  return url.protocol === "http:" && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith(".localhost"));
}

const attributes = (request: Request, maxAge: number) =>
  ({ path: "/dashboard/session", maxAge, httpOnly: true, sameSite: "strict", secure: !isPlainLocalhost(request) }) as const;

/** Stores a refresh token in the browser for `ttlSeconds`. */
export function setSessionCookie(jar: CookieJar, request: Request, refreshToken: string, ttlSeconds: number): void {
  jar[SESSION_COOKIE]!.set({ value: refreshToken, ...attributes(request, ttlSeconds) });
}

/** Makes the browser forget the session (also on an error answer: Elysia sends the cookie with it). */
export function clearSessionCookie(jar: CookieJar, request: Request): void {
  jar[SESSION_COOKIE]!.set({ value: "", ...attributes(request, 0) });
}

/** The refresh token the browser sent, if any. */
export const readSessionCookie = (jar: CookieJar): string | undefined => jar[SESSION_COOKIE]?.value || undefined;
