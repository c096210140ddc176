/** The refresh-token cookie: sent only to the dashboard's session routes, never readable by scripts. */
const SESSION_COOKIE = "azs_dashboard_session";
const COOKIE_PATH = "/dashboard/session";

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

function serialize(request: Request, value: string, maxAgeSeconds: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, `Path=${COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, "HttpOnly", "SameSite=Strict"];
  if (!isPlainLocalhost(request)) parts.push("Secure");
  return parts.join("; ");
}

/** The `Set-Cookie` value that stores a refresh token for `ttlSeconds`. */
export const sessionCookie = (request: Request, refreshToken: string, ttlSeconds: number) =>
  serialize(request, refreshToken, ttlSeconds);

/** The `Set-Cookie` value that makes the browser forget the session. */
export const clearedSessionCookie = (request: Request) => serialize(request, "", 0);

/** The refresh token the browser sent, if any. */
export function readSessionCookie(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const pair of header.split(";")) {
    const [name, ...rest] = pair.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=") || undefined;
  }
  return undefined;
}
