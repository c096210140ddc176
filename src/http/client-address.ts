import type { Server } from "bun";

/**
 * The caller's address for rate limits. `X-Forwarded-For` is trusted only when TRUST_PROXY says a
 * proxy in front sets it; otherwise any client could forge a fresh address per attempt.
 */
export function clientAddress(request: Request, server: Server<unknown> | null, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return server?.requestIP(request)?.address ?? null;
}
