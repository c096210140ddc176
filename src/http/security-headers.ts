/** Routes whose answers hold access or refresh tokens (or set the session cookie). */
const TOKEN_ROUTES = new Set([
  "/auth/login",
  "/auth/refresh",
  "/dashboard/session",
  "/dashboard/session/refresh",
  "/dashboard/session/logout",
]);

const EVERY_RESPONSE = { "x-content-type-options": "nosniff" };
const TOKEN_RESPONSE = { ...EVERY_RESPONSE, "cache-control": "no-store" };

/**
 * Headers for every response: `nosniff`, so a browser never runs an answer as another type than
 * it says; and `no-store` on the token routes (failures included), so no cache keeps a token
 * (RFC 6749 §5.1). Pages add their own Content-Security-Policy.
 */
export function securityHeaders(request: Request): Record<string, string> {
  // Every token route is a POST: other requests skip parsing the URL.
  return request.method === "POST" && TOKEN_ROUTES.has(new URL(request.url).pathname) ? TOKEN_RESPONSE : EVERY_RESPONSE;
}
